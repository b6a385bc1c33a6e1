import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** Running an agent from its designer: execute, and the preview conversation it leaves. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

async function agent() {
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl, model_name: 'agent-model' });
  return createAgent(testApp, user, { system_prompt: 'Be short.', model_config: null, model_config_id: config.id });
}

function call(method: 'GET' | 'POST', url: string, payload?: object, owner: TestUser = user) {
  return testApp.app.inject({ method, url, headers: owner.headers, ...(payload ? { payload } : {}) });
}

describe('POST /api/v1/agents/{agent_id}/execute', () => {
  it('runs one agent turn and answers with the mode', async () => {
    const created = await agent();
    server.enqueue({ text: 'done', usage: { prompt_tokens: 3, completion_tokens: 1 } });

    const response = await call('POST', `/api/v1/agents/${created.id}/execute`, { message: 'do it' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ mode: 'agent', content: 'done', token_usage: { total_tokens: 4 } });
    expect(server.requests[0]!.body?.messages?.[0]).toEqual({ role: 'system', content: 'Be short.' });
  });

  it.each([
    [{ message: 'x', mode: 'swarm' }, 'body.mode'],
    [{ mode: 'agent' }, 'body.message'],
  ])('answers 422 for %j without calling the model', async (payload, field) => {
    const created = await agent();

    const response = await call('POST', `/api/v1/agents/${created.id}/execute`, payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(server.requests).toHaveLength(0);
  });

  it("answers 404 for another user's agent", async () => {
    const created = await agent();
    const stranger = await createUser(testApp);

    const response = await call('POST', `/api/v1/agents/${created.id}/execute`, { message: 'x' }, stranger);

    expect(response.statusCode).toBe(404);
    expect(server.requests).toHaveLength(0);
  });
});

describe('GET /api/v1/agents/{agent_id}/preview-chat-history', () => {
  it('is empty before the first chat', async () => {
    const created = await agent();

    const response = await call('GET', `/api/v1/agents/${created.id}/preview-chat-history`);

    expect(response.json()).toEqual({ session_id: null, messages: [] });
  });

  it('returns the most recent conversation with the agent, in order', async () => {
    const created = await agent();
    server.enqueue({ text: 'a1' }, { text: 'a2' }, { text: 'b1' });
    const first = await call('POST', `/api/v1/agent-chat/${created.id}`, { message: 'q1' });
    await call('POST', `/api/v1/agent-chat/${created.id}`, { message: 'q2', session_id: first.json().session_id });
    testApp.clock.advance(1000);
    const second = await call('POST', `/api/v1/agent-chat/${created.id}`, { message: 'other' });

    const latest = await call('GET', `/api/v1/agents/${created.id}/preview-chat-history`);
    const named = await call('GET', `/api/v1/agents/${created.id}/preview-chat-history?session_id=${first.json().session_id}`);

    expect(latest.json().session_id).toBe(second.json().session_id);
    expect(latest.json().messages.map((message: { content: string }) => message.content)).toEqual(['other', 'b1']);
    expect(named.json().messages.map((message: { role: string; content: string }) => [message.role, message.content])).toEqual([
      ['user', 'q1'],
      ['assistant', 'a1'],
      ['user', 'q2'],
      ['assistant', 'a2'],
    ]);
  });

  it("answers 404 for another user's agent and for a session of another agent", async () => {
    const created = await agent();
    const other = await agent();
    server.enqueue({ text: 'x' });
    const otherSession = (await call('POST', `/api/v1/agent-chat/${other.id}`, { message: 'hi' })).json().session_id;
    const stranger = await createUser(testApp);

    const foreignAgent = await call('GET', `/api/v1/agents/${created.id}/preview-chat-history`, undefined, stranger);
    const foreignSession = await call('GET', `/api/v1/agents/${created.id}/preview-chat-history?session_id=${otherSession}`);

    expect(foreignAgent.statusCode).toBe(404);
    expect(foreignSession.statusCode).toBe(404);
    expect(foreignSession.json().error).toBe('SESSION_NOT_FOUND');
  });
});

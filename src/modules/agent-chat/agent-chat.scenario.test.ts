import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** Chatting with an agent: its prompt, model and memory shape what reaches the model. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

async function agentWithModel(overrides: Record<string, unknown> = {}) {
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl, model_name: 'agent-model' });
  return createAgent(testApp, user, {
    name: 'Helper',
    system_prompt: 'You are Helper.',
    model_config: null,
    model_config_id: config.id,
    ...overrides,
  });
}

function chat(agentId: string, payload: object, suffix = '', owner: TestUser = user) {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agentId}${suffix}`, headers: owner.headers, payload });
}

describe('POST /api/v1/agent-chat/{agent_id}', () => {
  it("answers with the agent's model and prompt", async () => {
    const agent = await agentWithModel();
    server.enqueue({ text: 'Hello, I am Helper', usage: { prompt_tokens: 9, completion_tokens: 4 } });

    const response = await chat(agent.id, { message: 'Who are you?' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ content: 'Hello, I am Helper', model: 'openai-compatible/agent-model' });
    expect(server.requests[0]!.body).toMatchObject({
      model: 'agent-model',
      messages: [
        { role: 'system', content: 'You are Helper.' },
        { role: 'user', content: 'Who are you?' },
      ],
    });
  });

  it("keeps the session's history within the agent's memory window", async () => {
    const agent = await agentWithModel({ memory: { history_messages: 2, history_tokens: 10_000 } });
    server.enqueue({ text: 'a1' }, { text: 'a2' }, { text: 'a3' });

    const first = await chat(agent.id, { message: 'q1' });
    const sessionId = first.json().session_id;
    await chat(agent.id, { message: 'q2', session_id: sessionId });
    await chat(agent.id, { message: 'q3', session_id: sessionId });

    expect(server.requests[2]!.body?.messages).toEqual([
      { role: 'system', content: 'You are Helper.' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
      { role: 'user', content: 'q3' },
    ]);
  });

  it('refuses a stopped agent with 409 AGENT_STOPPED and takes chats again once deployed', async () => {
    const agent = await agentWithModel();
    await testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${agent.id}/stop`, headers: user.headers });

    const stopped = await chat(agent.id, { message: 'hello?' });
    await testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${agent.id}/deploy`, headers: user.headers });
    server.enqueue({ text: 'back' });
    const deployed = await chat(agent.id, { message: 'hello?' });

    expect(stopped.statusCode).toBe(409);
    expect(stopped.json().error).toBe('AGENT_STOPPED');
    expect(deployed.json().content).toBe('back');
    expect(server.requests).toHaveLength(1);
  });

  it("answers 404 for another user's agent, and for a session of another agent or of bare chat", async () => {
    const agent = await agentWithModel();
    const other = await agentWithModel({ name: 'Other' });
    const stranger = await createUser(testApp);
    server.enqueue({ text: 'one' }, { text: 'two' });
    const otherSession = (await chat(other.id, { message: 'hi' })).json().session_id;
    const bareSession = (await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/agent-chat/bare',
      headers: user.headers,
      payload: { message: 'hi', model_config_id: agent.model_config_id },
    })).json().session_id;

    const foreignAgent = await chat(agent.id, { message: 'x' }, '', stranger);
    const foreignSession = await chat(agent.id, { message: 'x', session_id: otherSession });
    const bare = await chat(agent.id, { message: 'x', session_id: bareSession });

    expect(foreignAgent.statusCode).toBe(404);
    expect(foreignAgent.json().error).toBe('AGENT_NOT_FOUND');
    expect(foreignSession.json().error).toBe('SESSION_NOT_FOUND');
    expect(bare.json().error).toBe('SESSION_NOT_FOUND');
    expect(bareSession).toEqual(expect.any(String));
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [{}, 'body.message'],
    [{ message: 'x', streamlined: 'yes' }, 'body.streamlined'],
    [{ message: 'x', system_prompt: 'override' }, 'body'],
  ])('answers 422 for %j', async (payload, field) => {
    const agent = await agentWithModel();

    const response = await chat(agent.id, payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
  });
});

describe('POST /api/v1/agent-chat/{agent_id}/stream', () => {
  it('streams tokens then done', async () => {
    const agent = await agentWithModel();
    server.enqueue({ text: 'one two three' });

    const events = parseEventStream((await chat(agent.id, { message: 'count' }, '/stream')).body);

    expect(events.filter((event) => event.event === 'token').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { content: 'one two three' } });
  });

  it('sends only done when streamlined', async () => {
    const agent = await agentWithModel();
    server.enqueue({ text: 'one two three' });

    const events = parseEventStream((await chat(agent.id, { message: 'count', streamlined: true }, '/stream')).body);

    expect(events.map((event) => event.event)).toEqual(['done']);
    expect(events[0]!.data).toMatchObject({ content: 'one two three' });
  });
});

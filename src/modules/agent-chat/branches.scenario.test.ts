import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** Branches: fork a conversation at a message and go on there, the original untouched. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
useAppPerTest(async (app, owner) => {
  testApp = app;
  user = owner;
  await createModelConfig(testApp, user, { base_url: server.baseUrl, model_name: 'm', is_default: true });
});

function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, owner: TestUser = user) {
  return testApp.app.inject({ method, url, headers: owner.headers, ...(payload ? { payload } : {}) });
}

/** A bare session of two turns: q1 a1 q2 a2. */
async function conversation() {
  server.enqueue({ text: 'a1' }, { text: 'a2' });
  const first = (await call('POST', '/api/v1/agent-chat/bare', { message: 'q1' })).json();
  await call('POST', '/api/v1/agent-chat/bare', { message: 'q2', session_id: first.session_id });
  return { sessionId: first.session_id as string, firstAnswerId: first.message_id as string };
}

async function history(sessionId: string) {
  const messages = (await call('GET', `/api/v1/agent-chat/branches/${sessionId}`)).json().messages ?? [];
  return messages.map((message: { content: string }) => message.content);
}

describe('/api/v1/agent-chat/branches', () => {
  it('forks at a message, resumes on the branch with its history, and leaves the original as it was', async () => {
    const { sessionId, firstAnswerId } = await conversation();

    const branch = await call('POST', '/api/v1/agent-chat/branches', { session_id: sessionId, message_id: firstAnswerId, name: 'alt' });
    server.enqueue({ text: 'b2' });
    const resumed = await call('POST', `/api/v1/agent-chat/branches/${branch.json().id}/resume`, { message: 'other q2' });
    server.enqueue({ text: 'a3' });
    await call('POST', '/api/v1/agent-chat/bare', { message: 'q3', session_id: sessionId });

    expect(branch.statusCode).toBe(201);
    expect(branch.json()).toMatchObject({ name: 'alt', parent_session_id: sessionId, forked_from_message_id: firstAnswerId, agent_id: null });
    expect(resumed.json()).toMatchObject({ session_id: branch.json().id, content: 'b2' });
    expect(server.requests[2]!.body?.messages).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'other q2' },
    ]);
    expect(await history(branch.json().id)).toEqual(['q1', 'a1', 'other q2', 'b2']);
    expect(server.requests[3]!.body?.messages?.map((message) => message.content)).toEqual(['q1', 'a1', 'q2', 'a2', 'q3']);
  });

  it('lists branches, by session too, and deletes one without touching its parent', async () => {
    const { sessionId, firstAnswerId } = await conversation();
    const branch = (await call('POST', '/api/v1/agent-chat/branches', { session_id: sessionId, message_id: firstAnswerId })).json();

    const all = (await call('GET', '/api/v1/agent-chat/branches')).json();
    const ofSession = (await call('GET', `/api/v1/agent-chat/branches?session_id=${sessionId}`)).json();
    const deleted = await call('DELETE', `/api/v1/agent-chat/branches/${branch.id}`);
    const after = await call('GET', `/api/v1/agent-chat/branches/${branch.id}`);
    server.enqueue({ text: 'still here' });
    const parent = await call('POST', '/api/v1/agent-chat/bare', { message: 'q3', session_id: sessionId });

    expect(all).toMatchObject({ total: 1, page: 1, items: [{ id: branch.id }] });
    expect(ofSession.total).toBe(1);
    expect(deleted.statusCode).toBe(204);
    expect(after.statusCode).toBe(404);
    expect(after.json().error).toBe('BRANCH_NOT_FOUND');
    expect(parent.json().content).toBe('still here');
  });

  it('branches an agent conversation and resumes it with the agent', async () => {
    const agent = await createAgent(testApp, user, { system_prompt: 'Agent rules.', model_config: null });
    server.enqueue({ text: 'hello' });
    const chat = (await call('POST', `/api/v1/agent-chat/${agent.id}`, { message: 'hi' })).json();
    const branch = (await call('POST', '/api/v1/agent-chat/branches', { session_id: chat.session_id, message_id: chat.message_id })).json();
    server.enqueue({ text: 'branch answer' });

    const resumed = await call('POST', `/api/v1/agent-chat/branches/${branch.id}/resume`, { message: 'and now?' });

    expect(branch.agent_id).toBe(agent.id);
    expect(resumed.json().content).toBe('branch answer');
    expect(server.requests[1]!.body?.messages?.[0]).toEqual({ role: 'system', content: 'Agent rules.' });
  });

  it("answers 404 for another user's session, branch or message, and for a message of another session", async () => {
    const { sessionId, firstAnswerId } = await conversation();
    const other = await conversation();
    const branch = (await call('POST', '/api/v1/agent-chat/branches', { session_id: sessionId, message_id: firstAnswerId })).json();
    const stranger = await createUser(testApp);

    const foreignSession = await call('POST', '/api/v1/agent-chat/branches', { session_id: sessionId, message_id: firstAnswerId }, stranger);
    const wrongMessage = await call('POST', '/api/v1/agent-chat/branches', { session_id: sessionId, message_id: other.firstAnswerId });
    const foreignBranch = await call('GET', `/api/v1/agent-chat/branches/${branch.id}`, undefined, stranger);
    const foreignResume = await call('POST', `/api/v1/agent-chat/branches/${branch.id}/resume`, { message: 'x' }, stranger);
    const foreignDelete = await call('DELETE', `/api/v1/agent-chat/branches/${branch.id}`, undefined, stranger);
    const notABranch = await call('GET', `/api/v1/agent-chat/branches/${sessionId}`);

    expect(foreignSession.json().error).toBe('SESSION_NOT_FOUND');
    expect(wrongMessage.json().error).toBe('MESSAGE_NOT_FOUND');
    expect([foreignBranch, foreignResume, foreignDelete, notABranch].map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect((await call('GET', `/api/v1/agent-chat/branches/${branch.id}`)).statusCode).toBe(200);
  });

  it.each([
    [{ message_id: crypto.randomUUID() }, 'body.session_id'],
    [{ session_id: 'nope', message_id: crypto.randomUUID() }, 'body.session_id'],
    [{ session_id: crypto.randomUUID(), message_id: crypto.randomUUID(), extra: 1 }, 'body'],
  ])('answers 422 for %j', async (payload, field) => {
    const response = await call('POST', '/api/v1/agent-chat/branches', payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
  });
});

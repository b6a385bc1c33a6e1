import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useOpenAiFace } from './openai.test-fixture.js';

/** Failures of the OpenAI face in OpenAI's error shape: unknown models, bad requests, keys that are refused. */
const face = useOpenAiFace();

describe('errors in OpenAI shape', () => {
  it.each([
    // Every case but the last uses the key for all agents, so the scope check cannot be what refuses it.
    ['an unknown agent', (): string => `agent/${crypto.randomUUID()}`, 'all'],
    ['a name that is not agent/<id>', (): string => 'gpt-4o', 'all'],
    ["another user's agent", (): string => `agent/${face.agents.foreign.id}`, 'all'],
    ['a draft agent', (): string => `agent/${face.agents.draft.id}`, 'all'],
    ['a stopped agent', (): string => `agent/${face.agents.stopped.id}`, 'all'],
    ['an agent outside the key scope', (): string => `agent/${face.agents.helper.id}`, 'scoped'],
  ] as const)('answers 404 model_not_found for %s', async (_case, model, key) => {
    const failure = await face.client(face.keys[key])
      .chat.completions.create({ model: model(), messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(failure).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    expect(face.server.requests).toHaveLength(0);
  });

  it.each([
    ['no messages', { messages: [] }, 'messages'],
    ['a last message that is not from the user', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }, 'messages.1'],
    ['an empty last message', { messages: [{ role: 'user', content: '  ' }] }, 'messages.0.content'],
    ['image content', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] }, 'messages.0.content'],
    ['several choices', { messages: [{ role: 'user', content: 'q' }], n: 2 }, 'n'],
    ['a session id that is not a UUID', { messages: [{ role: 'user', content: 'q' }], metadata: { session_id: 'abc' } }, 'metadata.session_id'],
  ])('answers 400 for %s', async (_case, body, param) => {
    const failure = await face.client(face.keys.all)
      .chat.completions.create({ model: `agent/${face.agents.helper.id}`, ...body } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect(failure).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
    expect(face.server.requests).toHaveLength(0);
  });

  it("answers 502 in OpenAI shape when the agent's model provider refuses", async () => {
    face.server.enqueue({ error: { status: 400, message: 'context too long' } });

    const failure = await face.client(face.keys.all)
      .chat.completions.create({ model: `agent/${face.agents.helper.id}`, messages: [{ role: 'user', content: 'q' }] })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failure).toMatchObject({ status: 502, code: 'model_provider_error', type: 'server_error' });
    expect((failure as Error).message).toContain('context too long');
  });

  it('answers 404 in OpenAI shape for an endpoint the face does not have', async () => {
    const response = await fetch(`${face.baseURL}/completions`, { method: 'POST', headers: { authorization: `Bearer ${face.keys.all}` } });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'not_found' } });
  });

  it("answers 404 for another user's session", async () => {
    face.server.enqueue({ text: 'theirs' });
    const theirKey = (await face.createKey(face.stranger, { name: 'theirs' })).key;
    const theirs = await face.client(theirKey)
      .chat.completions.create({ model: `agent/${face.agents.foreign.id}`, messages: [{ role: 'user', content: 'q' }] })
      .withResponse();

    const failure = await face.client(face.keys.all)
      .chat.completions.create({
        model: `agent/${face.agents.helper.id}`,
        messages: [{ role: 'user', content: 'q' }],
        metadata: { session_id: theirs.response.headers.get('x-session-id')! },
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(face.server.requests).toHaveLength(1);
  });

  it('refuses an unknown, revoked or expired key, a login token and no key with 401', async () => {
    const revoked = await face.createKey(face.owner, { name: 'revoked' });
    const expiring = await face.createKey(face.owner, { name: 'expiring', expires_at: new Date(face.testApp.clock.now().getTime() + 60_000).toISOString() });
    const beforeRevoke = await face.client(revoked.key).models.list();
    await face.testApp.app.inject({ method: 'POST', url: `/api/v1/api-keys/${revoked.id}/revoke`, headers: face.owner.headers });
    face.testApp.clock.advance(120_000);

    const failures = await Promise.all(
      ['tg-unknown', face.owner.token, revoked.key, expiring.key].map((key) => face.client(key).models.list().catch((error: unknown) => error)),
    );

    expect(beforeRevoke.data.length).toBe(2);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(failure).toMatchObject({ status: 401, code: 'invalid_api_key' });
    }
    // The client will not send a request without a key, so this one goes by hand.
    const anonymous = await fetch(`${face.baseURL}/models`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: { message: expect.stringContaining('API key'), type: 'authentication_error', param: null, code: 'invalid_api_key' },
    });
    const listed = await face.testApp.app.inject({ method: 'GET', url: `/api/v1/api-keys/${revoked.id}`, headers: face.owner.headers });
    expect(listed.json().last_used_at).not.toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { startModelServer } from '../../test-kit/model-server/index.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/**
 * Bare chat end to end: the real app, the real OpenAI-compatible provider client, and the scripted
 * model server standing in for the provider. Assertions look at what reached the model too.
 */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function createModel(overrides: Record<string, unknown> = {}) {
  return createModelConfig(testApp, user, {
    name: 'scripted',
    base_url: server.baseUrl,
    api_key: 'sk-scripted-key-0001',
    model_name: 'scripted-model',
    is_default: true,
    parameters: { temperature: 0.3 },
    ...overrides,
  });
}

function chat(payload: object, url = '/api/v1/agent-chat/bare') {
  return testApp.app.inject({ method: 'POST', url, headers: user.headers, payload });
}

describe('POST /api/v1/agent-chat/bare', () => {
  it('answers with the model text and usage, and sends the system prompt and parameters', async () => {
    await createModel();
    server.enqueue({ text: 'Hello Ada', usage: { prompt_tokens: 11, completion_tokens: 3 } });

    const response = await chat({ message: 'Hi', system_prompt: 'Be brief.', parameters: { max_tokens: 50 } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      session_id: expect.any(String),
      message_id: expect.any(String),
      content: 'Hello Ada',
      model: 'openai-compatible/scripted-model',
      finish_reason: 'stop',
      token_usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
      run_id: expect.any(String),
    });
    const sent = server.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer sk-scripted-key-0001');
    expect(sent.body).toMatchObject({
      model: 'scripted-model',
      temperature: 0.3,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('continues a session: the second turn carries the first turn to the model', async () => {
    await createModel();
    server.enqueue({ text: 'Paris.' }, { text: 'About two million.' });

    const first = await chat({ message: 'Capital of France?' });
    const second = await chat({ message: 'Population?', session_id: first.json().session_id });

    expect(second.statusCode).toBe(200);
    expect(second.json().session_id).toBe(first.json().session_id);
    expect(server.requests[1]!.body?.messages).toEqual([
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'Population?' },
    ]);
  });

  it('uses a model config as soon as it is changed', async () => {
    const config = await createModel();
    server.setDefault({ text: 'answer' });
    await chat({ message: 'warm the cache' });

    await testApp.app.inject({
      method: 'PUT',
      url: `/api/v1/model-configs/${config.id}`,
      headers: user.headers,
      payload: { model_name: 'renamed-model', api_key: 'sk-rotated-key-0002' },
    });
    const response = await chat({ message: 'again' });
    server.setDefault(undefined);

    expect(response.json().model).toBe('openai-compatible/renamed-model');
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer sk-rotated-key-0002');
  });

  it('records the call in llm_calls with tokens, session and status', async () => {
    await createModel();
    server.enqueue({ text: 'ok', usage: { prompt_tokens: 5, completion_tokens: 1 } });

    const response = await chat({ message: 'ping' });
    await testApp.container.services.recorder.flush();
    const calls = await testApp.container.services.llmCalls.listByUser(user.id);

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      sessionId: response.json().session_id,
      provider: 'openai-compatible',
      model: 'scripted-model',
      operation: 'generate',
      status: 'succeeded',
      promptTokens: 5,
      completionTokens: 1,
      totalTokens: 6,
    });
  });

  it('retries a 429 after its Retry-After and then answers', async () => {
    await createModel();
    server.enqueue({ error: { status: 429, message: 'slow down', retryAfterSeconds: 0 } }, { text: 'made it' });

    const response = await chat({ message: 'hello' });

    expect(response.statusCode).toBe(200);
    expect(response.json().content).toBe('made it');
    expect(server.requests).toHaveLength(2);
  });

  it('falls back to the next model when the provider keeps failing', async () => {
    const backup = await startModelServer();
    try {
      const fallback = await createModel({ name: 'backup', base_url: backup.baseUrl, is_default: false, model_name: 'backup-model' });
      await createModel({ fallback_model_ids: [fallback.id] });
      server.setDefault({ error: { status: 500, message: 'down' } });
      backup.enqueue({ text: 'from the backup' });

      const response = await chat({ message: 'anyone there?' });

      expect(response.statusCode).toBe(200);
      expect(response.json().content).toBe('from the backup');
      expect(server.requests).toHaveLength(3);
      expect(backup.requests[0]!.body?.model).toBe('backup-model');
    } finally {
      server.setDefault(undefined);
      await backup.close();
    }
  });

  it('answers 502 with the provider reason when the key is refused, and stores nothing', async () => {
    await createModel();
    server.enqueue({ error: { status: 401, message: 'Incorrect API key provided' } });

    const response = await chat({ message: 'hello' });

    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ error: 'MODEL_PROVIDER_ERROR', message: expect.stringContaining('API key') });
    expect(server.requests).toHaveLength(1);
  });

  it('answers 422 MODEL_NOT_CONFIGURED with instructions when there is no model at all', async () => {
    const response = await chat({ message: 'hello' });

    expect(response.statusCode).toBe(422);
    expect(response.json().error).toBe('MODEL_NOT_CONFIGURED');
    expect(response.json().message).toContain('/api/v1/model-configs');
  });

  it('uses the environment default model when there is no config row', async () => {
    const envApp = await buildTestApp({
      env: { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'env-key', DEFAULT_MODEL: 'env-model' },
    });
    const envUser = await createUser(envApp);
    server.enqueue({ text: 'from env' });

    const response = await envApp.app
      .inject({ method: 'POST', url: '/api/v1/agent-chat/bare', headers: envUser.headers, payload: { message: 'hello' } })
      .finally(() => envApp.close());

    expect(response.json().content).toBe('from env');
    expect(server.requests[0]!.body?.model).toBe('env-model');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer env-key');
  });

  it('accepts an inline model_config that borrows the matching config credentials', async () => {
    await createModel({ is_default: false });
    server.enqueue({ text: 'inline' });

    const response = await chat({
      message: 'hello',
      model_config: { provider: 'openai-compatible', model_name: 'other-model', temperature: 0.9 },
    });

    expect(response.json().model).toBe('openai-compatible/other-model');
    expect(server.requests[0]!.body).toMatchObject({ model: 'other-model', temperature: 0.9 });
  });

  it("answers 404 for another user's session and for an unknown one", async () => {
    const stranger = await createUser(testApp);
    await createModelConfig(testApp, stranger, { name: 'theirs', base_url: server.baseUrl, model_name: 'm', is_default: true });
    server.enqueue({ text: 'their answer' });
    const theirs = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/agent-chat/bare',
      headers: stranger.headers,
      payload: { message: 'mine' },
    });
    await createModel();

    const intruding = await chat({ message: 'let me in', session_id: theirs.json().session_id });
    const unknown = await chat({ message: 'anyone?', session_id: crypto.randomUUID() });

    expect(theirs.statusCode).toBe(200);
    expect(intruding.statusCode).toBe(404);
    expect(intruding.json().error).toBe('SESSION_NOT_FOUND');
    expect(unknown.statusCode).toBe(404);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [{}, 'body.message'],
    [{ message: '   ' }, 'body.message'],
    [{ message: 'x', session_id: 'not-a-uuid' }, 'body.session_id'],
    [{ message: 'x', parameters: { temperature: 5 } }, 'body.parameters.temperature'],
    [{ message: 'x', model_config: { provider: 'nope', model_name: 'm' } }, 'body.model_config.provider'],
    [{ message: 'x', model_config_id: crypto.randomUUID(), model_config: { provider: 'ollama', model_name: 'm' } }, 'body.model_config'],
    [{ message: 'x', extra: true }, 'body'],
  ])('answers 422 for %j without calling the model', async (payload, field) => {
    const response = await chat(payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(server.requests).toHaveLength(0);
  });
});

describe('POST /api/v1/agent-chat/bare/stream', () => {
  it('streams token events then done with token usage, framed as SSE', async () => {
    await createModel();
    server.enqueue({ text: 'one two three', usage: { prompt_tokens: 7, completion_tokens: 3 } });

    const response = await chat({ message: 'count' }, '/api/v1/agent-chat/bare/stream');
    const events = parseEventStream(response.body);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(response.headers['x-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    const tokens = events.filter((event) => event.event === 'token').map((event) => (event.data as { content: string }).content);
    expect(tokens.join('')).toBe('one two three');
    expect(tokens.length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { content: 'one two three', session_id: response.headers['x-session-id'], token_usage: { total_tokens: 10 } },
    });
    expect(events.map((event) => Number(event.id))).toEqual(events.map((_event, index) => index + 1));
    expect(server.requests[0]!.body).toMatchObject({ stream: true });
  });

  it('sends an error event and closes cleanly when the provider dies mid-stream', async () => {
    await createModel();
    server.setDefault({ streamFailure: { text: 'partial answer that', mode: 'disconnect' } });

    const response = await chat({ message: 'tell me' }, '/api/v1/agent-chat/bare/stream');
    server.setDefault(undefined);
    const events = parseEventStream(response.body);

    expect(response.statusCode).toBe(200);
    expect(events.some((event) => event.event === 'token')).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: 'MODEL_PROVIDER_ERROR' } });
    expect(events.some((event) => event.event === 'done')).toBe(false);
  });

  it('answers a busy session with 409 SESSION_BUSY while a turn is running', async () => {
    await createModel();
    server.enqueue({ text: 'first' });
    const first = await chat({ message: 'one' });
    server.enqueue({ text: 'slow answer', delayMs: 300 });

    const running = chat({ message: 'two', session_id: first.json().session_id }, '/api/v1/agent-chat/bare/stream');
    await server.waitForRequests(2);
    const second = await chat({ message: 'three', session_id: first.json().session_id });
    await running;

    expect(second.statusCode).toBe(409);
    expect(second.json().error).toBe('SESSION_BUSY');
  });
});

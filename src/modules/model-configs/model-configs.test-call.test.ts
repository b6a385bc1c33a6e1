import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { request, startApp, testApp, user, useAppPerTest } from './model-configs.test-helpers.js';

/**
 * POST /api/v1/model-configs/{id}/test: one real call through the real provider client to the
 * scripted model server, reported as ok/error in a 200, recorded in llm_calls.
 */
const apiKey = 'sk-probe-secret-key-9b8c7d6e5f4a';

const server = useModelServer();
useAppPerTest();

function createConfig(overrides: Record<string, unknown> = {}, owner: TestUser = user) {
  // The server's URL is known only once it listens, so the defaults are read at each call.
  const defaults = { name: 'Scripted', base_url: server.baseUrl, api_key: apiKey, model_name: 'test-chat-model' };
  return createModelConfig(testApp, owner, { ...defaults, ...overrides });
}

function probe(id: string) {
  return request('POST', `/${id}/test`, user);
}

async function recordedCalls() {
  await testApp.container.services.recorder.flush();
  return testApp.container.services.llmCalls.listByUser(user.id);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('POST /api/v1/model-configs/{id}/test', () => {
  it('calls the chat endpoint with the stored key and answers ok with the latency and model', async () => {
    const config = await createConfig();
    server.enqueue({ text: 'pong' });

    const response = await probe(config.id);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, latency_ms: expect.any(Number), model: 'openai-compatible/test-chat-model' });
    expect(response.json().latency_ms).toBeGreaterThanOrEqual(0);
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent.body?.model).toBe('test-chat-model');
    expect(response.body).not.toContain(apiKey);
  });

  it('sends no Authorization header for a config without a key', async () => {
    const config = await createConfig({ api_key: undefined });
    server.enqueue({ text: 'pong' });

    const response = await probe(config.id);

    expect(response.json().ok).toBe(true);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('answers 200 with ok false and an error about the API key when the provider says 401', async () => {
    const config = await createConfig();
    server.enqueue({ error: { status: 401, message: 'Incorrect API key provided', code: 'invalid_api_key' } });

    const response = await probe(config.id);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ ok: false, latency_ms: expect.any(Number), model: 'openai-compatible/test-chat-model', error: expect.any(String) });
    expect(body.error).toMatch(/API key/);
    expect(body.error).toContain('401');
    expect(response.body).not.toContain(apiKey);
  });

  it('makes exactly one attempt: a 500 is reported, not retried', async () => {
    const config = await createConfig();
    server.enqueue({ error: { status: 500, message: 'upstream exploded' } }, { text: 'pong' });

    const response = await probe(config.id);

    expect(response.json()).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 500') });
    expect(server.requests).toHaveLength(1);
    expect(server.pendingReplies).toBe(1);
  });

  it('answers ok false saying it could not connect when nothing listens at the base URL', async () => {
    const port = await closedPort();
    const config = await createConfig({ base_url: `http://127.0.0.1:${port}/v1` });

    const response = await probe(config.id);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: false, error: expect.stringMatching(/could not connect/i) });
  });

  it('calls the embeddings endpoint for an embedding config', async () => {
    const config = await createConfig({ kind: 'embedding', model_name: 'test-embedding-model' });

    const response = await probe(config.id);

    expect(response.json()).toEqual({ ok: true, latency_ms: expect.any(Number), model: 'openai-compatible/test-embedding-model' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/embeddings']);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(server.requests[0]!.body?.model).toBe('test-embedding-model');
  });

  it('calls the rerank endpoint for a rerank config', async () => {
    const config = await createConfig({ kind: 'rerank', model_name: 'test-rerank-model' });

    const response = await probe(config.id);

    expect(response.json()).toEqual({ ok: true, latency_ms: expect.any(Number), model: 'openai-compatible/test-rerank-model' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/rerank']);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(server.requests[0]!.body?.model).toBe('test-rerank-model');
  });

  it('records the call in llm_calls with its status and model', async () => {
    const config = await createConfig();
    server.enqueue({ text: 'pong' }, { error: { status: 401, message: 'Incorrect API key provided' } });

    await probe(config.id);
    await probe(config.id);
    const calls = await recordedCalls();

    expect(calls).toHaveLength(2);
    expect(calls.map((call) => call.status)).toEqual(['succeeded', 'failed']);
    for (const call of calls) {
      expect(call).toMatchObject({ userId: user.id, modelConfigId: config.id, model: 'test-chat-model', operation: 'generate', attempt: 1 });
    }
    expect(calls[1]!.error).toEqual(expect.any(String));
  });

  it('records an embedding test call as an embed operation', async () => {
    const config = await createConfig({ kind: 'embedding', model_name: 'test-embedding-model' });

    await probe(config.id);
    const calls = await recordedCalls();

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 'succeeded', operation: 'embed', model: 'test-embedding-model', modelConfigId: config.id });
  });

  it('records a rerank test call as a rerank operation', async () => {
    const config = await createConfig({ kind: 'rerank', model_name: 'test-rerank-model' });

    await probe(config.id);
    const calls = await recordedCalls();

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 'succeeded', operation: 'rerank', model: 'test-rerank-model', modelConfigId: config.id });
  });

  it('leaves the plaintext key in no table and no log line, even after a failed call', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    await testApp.close();
    await startApp({ logger: createLogger('trace', sink) });
    const config = await createConfig();
    server.enqueue({ error: { status: 401, message: 'Incorrect API key provided' } });

    await probe(config.id);
    await recordedCalls();
    const tables = (await testApp.container.database.db.execute(
      sql`select tablename from pg_tables where schemaname = current_schema()`,
    )) as unknown as { rows: Array<{ tablename: string }> };
    const dumps: string[] = [];
    for (const { tablename } of tables.rows) {
      dumps.push(JSON.stringify(await testApp.container.database.db.execute(sql.raw(`select * from "${tablename}"`))));
    }

    expect(dumps.join('\n')).toContain('Incorrect API key provided');
    expect(dumps.join('\n')).not.toContain(apiKey);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(apiKey);
  });

  it("answers 404 for another user's config and calls nothing", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({}, other);
    server.setDefault({ text: 'pong' });

    const response = await probe(theirs.id);

    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
    expect(server.requests).toHaveLength(0);
    expect(await recordedCalls()).toEqual([]);
  });

  it('answers 422 for an id that is not a UUID', async () => {
    const response = await probe('not-a-uuid');

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain('params.config_id');
  });
});

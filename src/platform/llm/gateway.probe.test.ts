import { randomUUID } from 'node:crypto';
import { embed, rerank } from 'ai';
import { describe, expect, it } from 'vitest';
import { createTestGateway } from '../../test-kit/fake-model-config-source.js';
import { defaultEmbedding, startModelServer } from '../../test-kit/model-server/index.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import type { EnvironmentModels } from './gateway.js';
import { DEFAULT_LOCAL_EMBEDDING_DIMENSIONS } from './local-embedder.js';
import { LOCAL_EMBEDDING_PROVIDER } from './local-embedding-model.js';

const server = useModelServer();

function setup(environment: EnvironmentModels = {}) {
  return createTestGateway(server.baseUrl, environment);
}

/** The base URL of a server that has just stopped listening: connections to it are refused. */
async function closedBaseUrl(): Promise<string> {
  const closed = await startModelServer();
  await closed.close();
  return closed.baseUrl;
}

describe('ModelGateway.resolveEmbedding', () => {
  it('uses the built-in local embedder when nothing is configured, and records the call', async () => {
    const { gateway, records, ownerId } = setup();

    const model = await gateway.resolveEmbedding(ownerId, undefined, { runId: 'run-1' });
    const { embedding } = await embed({ model, value: 'hello world', maxRetries: 0 });

    expect(model.provider).toBe(LOCAL_EMBEDDING_PROVIDER);
    expect(embedding).toHaveLength(DEFAULT_LOCAL_EMBEDDING_DIMENSIONS);
    expect(server.requests).toHaveLength(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      operation: 'embed',
      status: 'succeeded',
      provider: 'tiangong',
      modelConfigId: null,
      userId: ownerId,
      runId: 'run-1',
    });
    expect(records[0]?.promptTokens).toBeGreaterThan(0);
  });

  it("calls the config's /v1/embeddings with its model and key", async () => {
    const { gateway, source, records, ownerId } = setup();
    const config = source.add(ownerId, { kind: 'embedding', modelName: 'embed-a', apiKey: 'embed-key' });

    const model = await gateway.resolveEmbedding(ownerId, config.id, {});
    const { embedding } = await embed({ model, value: 'hello', maxRetries: 0 });

    expect(embedding).toEqual(defaultEmbedding('hello', 8));
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/embeddings' });
    expect(server.requests[0]?.body).toMatchObject({ model: 'embed-a', input: ['hello'] });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer embed-key');
    expect(records[0]).toMatchObject({ operation: 'embed', status: 'succeeded', modelConfigId: config.id });
  });

  it("prefers the owner's default embedding config, then the environment's embedding model", async () => {
    const owned = setup({ openaiBaseUrl: server.baseUrl, defaultEmbeddingModel: 'env-embed' });
    owned.source.add(owned.ownerId, { kind: 'embedding', modelName: 'owner-embed', isDefault: true });
    const bare = setup({ openaiBaseUrl: server.baseUrl, defaultEmbeddingModel: 'env-embed' });

    await embed({ model: await owned.gateway.resolveEmbedding(owned.ownerId, undefined, {}), value: 'a', maxRetries: 0 });
    await embed({ model: await bare.gateway.resolveEmbedding(bare.ownerId, undefined, {}), value: 'b', maxRetries: 0 });

    expect(server.requests.map((request) => request.body?.model)).toEqual(['owner-embed', 'env-embed']);
  });

  it('refuses a chat config for embeddings', async () => {
    const { gateway, source, ownerId } = setup();
    const chat = source.add(ownerId);

    await expect(gateway.resolveEmbedding(ownerId, chat.id, {})).rejects.toMatchObject({ code: 'MODEL_KIND_MISMATCH' });
  });
});

describe('ModelGateway.resolveRerank', () => {
  it("uses the owner's default rerank config against its /rerank endpoint", async () => {
    const { gateway, source, ownerId } = setup();
    source.add(ownerId, { kind: 'rerank', modelName: 'rerank-a', isDefault: true });

    const model = await gateway.resolveRerank(ownerId, undefined);
    const result = await rerank({ model, query: 'blue sky', documents: ['red', 'blue sky', 'blue'], maxRetries: 0 });

    expect(result.ranking.map((entry) => entry.originalIndex)).toEqual([1, 2, 0]);
    expect(server.requests[0]?.path).toBe('/v1/rerank');
  });

  it('refuses with MODEL_NOT_CONFIGURED when there is no rerank model', async () => {
    const { gateway, source, ownerId } = setup();
    source.add(ownerId, { isDefault: true });

    const refusal = gateway.resolveRerank(ownerId, undefined);

    await expect(refusal).rejects.toMatchObject({ code: 'MODEL_NOT_CONFIGURED' });
    await expect(refusal).rejects.toThrow(/rerank/);
  });
});

describe('ModelGateway.probe', () => {
  it('reports ok for a chat config whose endpoint answers', async () => {
    const { gateway, source, records, ownerId } = setup();
    const config = source.add(ownerId, { modelName: 'probe-model' });
    server.enqueue({ text: 'pong' });

    const result = await gateway.probe(ownerId, config.id);

    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), label: 'openai-compatible/probe-model' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]?.body?.messages).toEqual([{ role: 'user', content: 'Reply with the word: pong' }]);
    expect(records).toMatchObject([{ operation: 'generate', status: 'succeeded', modelConfigId: config.id }]);
  });

  it('says the API key was rejected on a 401', async () => {
    const { gateway, source, ownerId } = setup();
    const config = source.add(ownerId);
    server.enqueue({ error: { status: 401, message: 'Incorrect API key provided.' } });

    const result = await gateway.probe(ownerId, config.id);

    expect(result.ok).toBe(false);
    expect(result.error).toBe('The provider rejected the API key (HTTP 401): Incorrect API key provided.');
  });

  it('names the model on a 404', async () => {
    const { gateway, source, ownerId } = setup();
    const config = source.add(ownerId, { modelName: 'no-such-model' });
    server.enqueue({ error: { status: 404, message: 'The model does not exist', code: 'model_not_found' } });

    const result = await gateway.probe(ownerId, config.id);

    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^The provider does not know model "no-such-model", or the base URL is wrong \(HTTP 404\)/);
  });

  it('says it could not connect when nothing listens at the base URL', async () => {
    const { gateway, source, ownerId } = setup();
    const config = source.add(ownerId, { baseUrl: await closedBaseUrl() });

    const result = await gateway.probe(ownerId, config.id);

    expect(result).toMatchObject({ ok: false, error: 'Could not connect to the provider (ECONNREFUSED)' });
  });

  it('tries once only: a 500 is reported, not retried', async () => {
    const { gateway, source, records, ownerId } = setup();
    const config = source.add(ownerId);
    server.enqueue({ error: { status: 500, message: 'boom' } }, { text: 'too late' });

    const result = await gateway.probe(ownerId, config.id);

    expect(result).toMatchObject({ ok: false, error: 'The provider failed (HTTP 500): boom' });
    expect(server.requests).toHaveLength(1);
    expect(records.map((call) => call.status)).toEqual(['failed']);
  });

  it('probes an embedding config through /v1/embeddings', async () => {
    const { gateway, source, ownerId } = setup();
    const config = source.add(ownerId, { kind: 'embedding', modelName: 'embed-a' });
    server.enqueueEmbeddings({ error: { status: 401, message: 'bad key' } });

    const failed = await gateway.probe(ownerId, config.id);
    const passed = await gateway.probe(ownerId, config.id);

    expect(failed).toMatchObject({ ok: false, error: 'The provider rejected the API key (HTTP 401): bad key' });
    expect(passed).toMatchObject({ ok: true, label: 'openai-compatible/embed-a' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);
  });

  it('probes a rerank config through /v1/rerank', async () => {
    const { gateway, source, ownerId } = setup();
    const config = source.add(ownerId, { kind: 'rerank', modelName: 'rerank-a', apiKey: 'rerank-key' });
    server.enqueueRerank({ error: { status: 503, message: 'warming up' } });

    const failed = await gateway.probe(ownerId, config.id);
    const passed = await gateway.probe(ownerId, config.id);

    expect(failed).toMatchObject({ ok: false, error: 'The provider failed (HTTP 503): warming up' });
    expect(passed).toMatchObject({ ok: true, label: 'openai-compatible/rerank-a' });
    expect(server.requests[1]?.body).toMatchObject({ model: 'rerank-a', query: 'ping', documents: ['pong', 'other'] });
    expect(server.requests[1]?.headers.authorization).toBe('Bearer rerank-key');
  });

  it("refuses an unknown or another owner's config with MODEL_CONFIG_NOT_FOUND", async () => {
    const { gateway, source, ownerId } = setup();
    const stranger = source.add(randomUUID());

    await expect(gateway.probe(ownerId, randomUUID())).rejects.toMatchObject({ code: 'MODEL_CONFIG_NOT_FOUND' });
    await expect(gateway.probe(ownerId, stranger.id)).rejects.toMatchObject({ code: 'MODEL_CONFIG_NOT_FOUND' });
    expect(server.requests).toHaveLength(0);
  });
});

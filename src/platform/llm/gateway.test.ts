import { randomUUID } from 'node:crypto';
import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createTestGateway } from '../../test-kit/fake-model-config-source.js';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { callSettings, type EnvironmentModels, type ModelGateway, type ModelSelector } from './gateway.js';

const server = useModelServer();

function setup(environment: EnvironmentModels = {}) {
  return createTestGateway(server.baseUrl, environment);
}

/** Resolves `selector` and makes one call with it, as the chat services do. */
async function chat(gateway: ModelGateway, ownerId: string, selector: ModelSelector) {
  const resolved = await gateway.resolveChat(ownerId, selector, { agentId: 'agent-1' });
  const result = await generateText({ model: resolved.model, prompt: 'Hello', ...callSettings(resolved.parameters) });
  return { resolved, text: result.text };
}

describe('ModelGateway.resolveChat', () => {
  it('resolves a config by id and calls its endpoint with its key, recording the call', async () => {
    const { gateway, source, records, ownerId } = setup();
    const config = source.add(ownerId, { modelName: 'chat-a', apiKey: 'key-a' });
    server.enqueue({ text: 'Hi from A', usage: { prompt_tokens: 5, completion_tokens: 3 } });

    const { resolved, text } = await chat(gateway, ownerId, { modelConfigId: config.id });

    expect(text).toBe('Hi from A');
    expect(resolved.label).toBe('openai-compatible/chat-a');
    expect(server.requests[0]?.body?.model).toBe('chat-a');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer key-a');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      modelConfigId: config.id,
      userId: ownerId,
      agentId: 'agent-1',
      operation: 'generate',
      status: 'succeeded',
      promptTokens: 5,
      completionTokens: 3,
      totalTokens: 8,
    });
  });

  it("uses the owner's default chat config when no model is named", async () => {
    const { gateway, source, ownerId } = setup({ openaiBaseUrl: server.baseUrl, defaultModel: 'env-model' });
    source.add(ownerId, { modelName: 'not-default' });
    source.add(ownerId, { modelName: 'the-default', isDefault: true });
    source.add(randomUUID(), { modelName: 'someone-elses-default', isDefault: true });
    server.setDefault({ text: 'ok' });

    await chat(gateway, ownerId, undefined);
    await chat(gateway, ownerId, { parameters: { temperature: 0.4 } });

    expect(server.requests.map((request) => request.body?.model)).toEqual(['the-default', 'the-default']);
  });

  it("borrows the owner's credentials for an inline provider and model", async () => {
    const { gateway, source, ownerId } = setup({ openaiBaseUrl: server.baseUrl, openaiApiKey: 'env-key' });
    source.add(ownerId, { modelName: 'stored-model', apiKey: 'owner-key' });
    source.add(randomUUID(), { modelName: 'inline-model', apiKey: 'stranger-key' });
    server.enqueue({ text: 'inline answer' });

    const { resolved, text } = await chat(gateway, ownerId, {
      inline: { provider: 'openai-compatible', model_name: 'inline-model', temperature: 0.2 },
    });

    expect(text).toBe('inline answer');
    expect(resolved.label).toBe('openai-compatible/inline-model');
    expect(server.requests[0]?.body).toMatchObject({ model: 'inline-model', temperature: 0.2 });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer owner-key');
  });

  it('falls back on the environment for an inline OpenAI-family model the owner has no config for', async () => {
    const { gateway, ownerId } = setup({ openaiBaseUrl: server.baseUrl, openaiApiKey: 'env-key' });
    server.enqueue({ text: 'ok' });

    await chat(gateway, ownerId, { inline: { provider: 'openai', model_name: 'gpt-inline' } });

    expect(server.requests[0]?.body?.model).toBe('gpt-inline');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer env-key');
  });

  it('uses the environment defaults when the owner has no config', async () => {
    const { gateway, records, ownerId } = setup({
      openaiBaseUrl: server.baseUrl,
      openaiApiKey: 'env-key',
      defaultModel: 'env-model',
    });
    server.enqueue({ text: 'from the environment' });

    const { resolved, text } = await chat(gateway, ownerId, undefined);

    expect(text).toBe('from the environment');
    expect(resolved.label).toBe('openai-compatible/env-model');
    expect(server.requests[0]?.body?.model).toBe('env-model');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer env-key');
    expect(records[0]).toMatchObject({ modelConfigId: null, model: 'env-model', status: 'succeeded' });
  });

  it('refuses with MODEL_NOT_CONFIGURED when nothing is configured, without calling anything', async () => {
    const { gateway, source, ownerId } = setup();
    source.add(randomUUID(), { isDefault: true });

    const noDefault = await rejectionOf(gateway.resolveChat(ownerId, undefined, {}));
    const inline = { provider: 'openai', model_name: 'gpt-x' } as const;
    const inlineWithoutKey = await rejectionOf(gateway.resolveChat(ownerId, { inline }, {}));

    expect(noDefault).toMatchObject({ code: 'MODEL_NOT_CONFIGURED', category: 'validation' });
    expect(inlineWithoutKey).toMatchObject({ code: 'MODEL_NOT_CONFIGURED' });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an unknown id or another owner's config with MODEL_CONFIG_NOT_FOUND", async () => {
    const { gateway, source, ownerId } = setup();
    const stranger = source.add(randomUUID());
    const unknownId = randomUUID();

    const unknown = await rejectionOf(gateway.resolveChat(ownerId, { modelConfigId: unknownId }, {}));
    const foreign = await rejectionOf(gateway.resolveChat(ownerId, { modelConfigId: stranger.id }, {}));

    expect(unknown).toMatchObject({ code: 'MODEL_CONFIG_NOT_FOUND', details: { id: unknownId } });
    expect(foreign).toMatchObject({ code: 'MODEL_CONFIG_NOT_FOUND', details: { id: stranger.id } });
  });

  it('refuses an embedding config for chat with MODEL_KIND_MISMATCH', async () => {
    const { gateway, source, ownerId } = setup();
    const embedding = source.add(ownerId, { kind: 'embedding', modelName: 'embed-model' });

    const error = await rejectionOf(gateway.resolveChat(ownerId, { modelConfigId: embedding.id }, {}));

    expect(error).toMatchObject({ code: 'MODEL_KIND_MISMATCH', details: { expected: 'chat', actual: 'embedding' } });
  });

  it("lets the selector's parameters override the config's, and sends the merged ones", async () => {
    const { gateway, source, ownerId } = setup();
    const config = source.add(ownerId, { parameters: { temperature: 0.9, max_tokens: 64, top_p: 0.5 } });
    server.enqueue({ text: 'ok' });

    const { resolved } = await chat(gateway, ownerId, { modelConfigId: config.id, parameters: { temperature: 0.1 } });

    expect(resolved.parameters).toEqual({ temperature: 0.1, max_tokens: 64, top_p: 0.5 });
    expect(server.requests[0]?.body).toMatchObject({ temperature: 0.1, max_tokens: 64, top_p: 0.5 });
  });

  it('moves on to the fallback config when the primary keeps failing with 500', async () => {
    const { gateway, source, records, ownerId } = setup();
    const fallback = source.add(ownerId, { modelName: 'fallback-model', apiKey: 'fallback-key' });
    const ignored = source.add(ownerId, { modelName: 'embedder', kind: 'embedding' });
    const primary = source.add(ownerId, {
      modelName: 'primary-model',
      fallbackModelIds: [randomUUID(), ignored.id, fallback.id],
    });
    const failure = { error: { status: 500, message: 'primary is down' } };
    server.enqueue(failure, failure, failure, { text: 'from the fallback' });

    const { resolved, text } = await chat(gateway, ownerId, { modelConfigId: primary.id });

    expect(text).toBe('from the fallback');
    expect(resolved.label).toBe('openai-compatible/primary-model');
    expect(server.requests.map((request) => request.body?.model)).toEqual([
      'primary-model',
      'primary-model',
      'primary-model',
      'fallback-model',
    ]);
    expect(server.requests[3]?.headers.authorization).toBe('Bearer fallback-key');
    expect(records.map((call) => [call.modelConfigId, call.attempt, call.isFallback, call.status])).toEqual([
      [primary.id, 1, false, 'failed'],
      [primary.id, 2, false, 'failed'],
      [primary.id, 3, false, 'failed'],
      [fallback.id, 1, true, 'succeeded'],
    ]);
  });
});

import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../../test-kit/model-server/index.js';
import { createHttpClient } from './http-client.js';
import { OutboundRequestBlocked } from './http-client.errors.js';
import { scriptedResolver } from '../../test-kit/http-upstream.js';

// The guarded fetch must be a drop-in `fetch` for the AI SDK providers, streaming included.

let server: ModelServer;

beforeEach(async () => {
  server = await startModelServer();
});

afterEach(async () => {
  await server.close();
});

function modelThrough(fetch: typeof globalThis.fetch) {
  const baseURL = server.baseUrl.replace('127.0.0.1', 'models.test');
  return createOpenAICompatible({ name: 'scripted', baseURL, apiKey: 'test-key', fetch }).chatModel('test-chat-model');
}

describe('the guarded fetch under the AI SDK', () => {
  it('streams text deltas from an allowed self-hosted endpoint', async () => {
    const client = createHttpClient({
      allowedPrivateHosts: ['models.test'],
      resolver: scriptedResolver({ 'models.test': ['127.0.0.1'] }).resolve,
    });
    server.enqueue({ text: 'The quick brown fox' });
    const result = streamText({ model: modelThrough(client.fetch), prompt: 'Tell me about foxes' });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces).toEqual(['The', ' quick', ' brown', ' fox']);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer test-key');
    await client.close();
  });

  it('refuses the same endpoint when it is not listed, before anything reaches the server', async () => {
    const client = createHttpClient({ resolver: scriptedResolver({ 'models.test': ['127.0.0.1'] }).resolve });
    server.enqueue({ text: 'never sent' });
    const failure = await generateText({ model: modelThrough(client.fetch), prompt: 'hi', maxRetries: 0 }).then(
      () => new Error('expected a refusal'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OutboundRequestBlocked);
    expect(server.requests).toHaveLength(0);
    await client.close();
  });
});

import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, stepCountIs, streamText, tool, type TextStreamPart, type ToolSet } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rejectionOf } from '../rejection-of.js';
import { startModelServer, type ModelServer } from './index.js';

let server: ModelServer;

beforeEach(async () => {
  server = await startModelServer();
});

afterEach(async () => {
  await server.close();
});

function compatibleModel(modelId = 'test-chat-model') {
  const provider = createOpenAICompatible({
    name: 'scripted',
    baseURL: server.baseUrl,
    apiKey: 'test-key',
    includeUsage: true,
  });
  return provider.chatModel(modelId);
}

function openaiModel(modelId = 'gpt-4o-mini') {
  return createOpenAI({ baseURL: server.baseUrl, apiKey: 'test-key' }).chat(modelId);
}

async function collectParts(stream: AsyncIterable<TextStreamPart<ToolSet>>) {
  const text: string[] = [];
  const errors: unknown[] = [];
  try {
    for await (const part of stream) {
      if (part.type === 'text-delta') text.push(part.text);
      if (part.type === 'error') errors.push(part.error);
    }
  } catch (error) {
    // A dropped connection errors the stream itself rather than emitting an error part.
    errors.push(error);
  }
  return { text: text.join(''), errors };
}

describe('model server with the real AI SDK clients', () => {
  it('serves generateText through @ai-sdk/openai-compatible with scripted usage', async () => {
    server.enqueue({ text: 'Paris.', usage: { prompt_tokens: 21, completion_tokens: 2 } });
    const result = await generateText({
      model: compatibleModel('qwen-test'),
      system: 'You are terse.',
      prompt: 'Capital of France?',
      temperature: 0.25,
    });

    expect(result.text).toBe('Paris.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(21);
    expect(result.usage.outputTokens).toBe(2);
    expect(result.usage.totalTokens).toBe(23);
    const [request] = server.requests;
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body?.model).toBe('qwen-test');
    expect(request?.body?.temperature).toBe(0.25);
    expect(request?.body?.stream).toBeFalsy();
    expect(request?.body?.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
  });

  it('serves generateText through @ai-sdk/openai .chat() and echoes the model id', async () => {
    server.enqueue({ text: 'Hello from the script.' });
    const result = await generateText({ model: openaiModel('gpt-4o-mini'), prompt: 'Say hello' });

    expect(result.text).toBe('Hello from the script.');
    expect(result.response.modelId).toBe('gpt-4o-mini');
    expect(result.response.id).toMatch(/^chatcmpl-/);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streams text deltas and final usage through streamText', async () => {
    server.enqueue({ text: 'The quick brown fox', usage: { prompt_tokens: 5, completion_tokens: 4 } });
    const result = streamText({ model: compatibleModel(), prompt: 'Tell me about foxes' });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);

    expect(pieces).toEqual(['The', ' quick', ' brown', ' fox']);
    expect((await result.usage).inputTokens).toBe(5);
    expect((await result.usage).outputTokens).toBe(4);
    expect(server.requests[0]?.body?.stream).toBe(true);
    expect(server.requests[0]?.body?.stream_options?.include_usage).toBe(true);
  });

  it('runs a tool loop: executes the scripted call and sends the result back', async () => {
    const executed: unknown[] = [];
    const getWeather = tool({
      description: 'Current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async (input) => {
        executed.push(input);
        return { temperatureC: 21 };
      },
    });
    server.script([
      { toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { text: 'It is 21°C in Paris.' },
    ]);
    const result = await generateText({
      model: compatibleModel(),
      tools: { get_weather: getWeather },
      stopWhen: stepCountIs(2),
      prompt: 'Weather in Paris?',
    });

    expect(executed).toEqual([{ city: 'Paris' }]);
    expect(result.text).toBe('It is 21°C in Paris.');
    expect(result.steps).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    const firstTools = server.requests[0]?.body?.tools as Array<{ function: { name: string } }>;
    expect(firstTools.map((entry) => entry.function.name)).toEqual(['get_weather']);
    const secondMessages = server.requests[1]?.body?.messages ?? [];
    expect(secondMessages).toContainEqual(
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_weather_1' })] }),
    );
    const toolMessage = secondMessages.find((message) => message.role === 'tool');
    expect(toolMessage).toMatchObject({ tool_call_id: 'call_weather_1' });
    expect(JSON.parse(String(toolMessage?.content))).toEqual({ temperatureC: 21 });
  });

  it('parses streamed tool-call deltas through @ai-sdk/openai', async () => {
    const executed: unknown[] = [];
    const add = tool({
      inputSchema: z.object({ left: z.number(), right: z.number() }),
      execute: async ({ left, right }) => {
        executed.push({ left, right });
        return left + right;
      },
    });
    server.script([{ toolCalls: [{ name: 'add', arguments: { left: 2, right: 40 } }] }, { text: 'The sum is 42.' }]);
    const result = streamText({ model: openaiModel(), tools: { add }, stopWhen: stepCountIs(2), prompt: '2+40?' });

    expect(await result.text).toBe('The sum is 42.');
    expect(executed).toEqual([{ left: 2, right: 40 }]);
    expect(server.requests[1]?.body?.messages?.some((message) => message.role === 'tool')).toBe(true);
  });
});

describe('model server failures seen by the AI SDK', () => {
  it('surfaces a 429 as an APICallError carrying status and Retry-After', async () => {
    server.enqueue({ error: { status: 429, message: 'Rate limit reached', retryAfterSeconds: 7 } });
    const error = await rejectionOf(generateText({ model: compatibleModel(), prompt: 'hi', maxRetries: 0 }));

    expect(APICallError.isInstance(error)).toBe(true);
    const callError = error as APICallError;
    expect(callError.statusCode).toBe(429);
    expect(callError.isRetryable).toBe(true);
    expect(callError.responseHeaders?.['retry-after']).toBe('7');
    expect(callError.message).toBe('Rate limit reached');
  });

  it('surfaces a 500 as an APICallError, and lets SDK retries succeed on the next reply', async () => {
    server.enqueue({ error: { status: 500, message: 'Upstream exploded' } });
    const error = await rejectionOf(generateText({ model: openaiModel(), prompt: 'hi', maxRetries: 0 }));
    expect(APICallError.isInstance(error) && error.statusCode).toBe(500);

    // Retry-After: 0 makes the SDK retry at once instead of backing off for seconds.
    server.script([{ error: { status: 503, message: 'busy', retryAfterSeconds: 0 } }, { text: 'recovered' }]);
    const result = await generateText({ model: openaiModel(), prompt: 'hi', maxRetries: 1 });
    expect(result.text).toBe('recovered');
    expect(server.requests).toHaveLength(3);
  });

  it('surfaces a mid-stream disconnect as a stream error after the first text', async () => {
    server.enqueue({ streamFailure: { text: 'Once upon a time', mode: 'disconnect' }, chunkDelayMs: 5 });
    const result = streamText({ model: compatibleModel(), prompt: 'story', maxRetries: 0, onError: () => {} });
    const { text, errors } = await collectParts(result.fullStream);

    expect(text).toBe('Once upon a time');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('surfaces a malformed chunk as a stream error', async () => {
    server.enqueue({ streamFailure: { text: 'Half', mode: 'malformed' } });
    const result = streamText({ model: openaiModel(), prompt: 'story', maxRetries: 0, onError: () => {} });
    const { text, errors } = await collectParts(result.fullStream);

    expect(text).toBe('Half');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fails generateText when a non-streaming reply is cut off', async () => {
    server.enqueue({ streamFailure: { text: 'never finished', mode: 'disconnect' } });
    await expect(generateText({ model: compatibleModel(), prompt: 'hi', maxRetries: 0 })).rejects.toThrow();
  });

  it('delays the first token and records a client abort of a slow stream', async () => {
    const words = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');
    server.enqueue({ text: words, delayMs: 60, chunkDelayMs: 20 });
    const controller = new AbortController();
    const startedAt = Date.now();
    const result = streamText({
      model: compatibleModel(),
      prompt: 'ramble',
      abortSignal: controller.signal,
      onError: () => {},
    });
    const received: string[] = [];
    let firstTokenAfterMs = -1;
    try {
      for await (const piece of result.textStream) {
        if (received.length === 0) firstTokenAfterMs = Date.now() - startedAt;
        received.push(piece);
        if (received.length === 2) controller.abort();
      }
    } catch {
      // An abort may end iteration with an AbortError; the server's log is what this test checks.
    }
    const aborted = await server.waitForAbort(0, 2000);

    expect(firstTokenAfterMs).toBeGreaterThanOrEqual(55);
    expect(received.length).toBeLessThan(10);
    expect(aborted.aborted).toBe(true);
    expect(aborted.finished).toBe(false);
  });
});

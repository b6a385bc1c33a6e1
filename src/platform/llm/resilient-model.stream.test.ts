import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
} from '@ai-sdk/provider';
import { streamText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import type { LlmCallRecord } from './llm-call.js';
import { createResilientModel, type ModelCandidate } from './resilient-model.js';
import type { RetryPolicy } from './retry-policy.js';

const fastPolicy: RetryPolicy = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 200 };

/** What a stream does after its parts: finish, hang until its attempt is aborted, or break. */
type Ending = 'close' | 'hang' | Error;

interface StreamScript {
  parts: LanguageModelV3StreamPart[];
  ending?: Ending;
  /** Called just before each part is handed over, e.g. to move the clock. */
  beforePart?: (part: LanguageModelV3StreamPart) => void;
}

function textParts(text: string, input = 7, output = 2): LanguageModelV3StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    ...text.split(/(?= )/).map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: output, text: output, reasoning: undefined },
      },
    },
  ];
}

/** A provider stream that hands out one part per read (never ahead of it) and notes whether its reader cancelled it. */
function partStream(script: StreamScript, options: LanguageModelV3CallOptions, state: { cancelled: boolean }) {
  const remaining = [...script.parts];
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      const part = remaining.shift();
      if (part) {
        script.beforePart?.(part);
        return controller.enqueue(part);
      }
      const ending = script.ending ?? 'close';
      if (ending === 'close') return controller.close();
      if (ending instanceof Error) return controller.error(ending);
      const signal = options.abortSignal;
      await new Promise<void>((_resolve, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
}

/** A candidate whose doStream plays `steps` in order: a rejection, or a stream script. */
function candidate(name: string, steps: Array<StreamScript | Error>) {
  const remaining = [...steps];
  const state = { cancelled: false };
  const model = new MockLanguageModelV3({
    provider: 'openai-compatible',
    modelId: name,
    doStream: async (options): Promise<LanguageModelV3StreamResult> => {
      const step = remaining.shift();
      if (step === undefined) throw new Error(`${name}: no step left`);
      if (step instanceof Error) throw step;
      return { stream: partStream(step, options, state) };
    },
  });
  const described: ModelCandidate = { model, provider: 'openai-compatible', modelName: name, modelConfigId: null };
  return { candidate: described, model, state };
}

function setup(candidates: ModelCandidate[], clock = new FixedClock(), policy: Partial<RetryPolicy> = {}) {
  const records: LlmCallRecord[] = [];
  let count = 0;
  const model = createResilientModel({
    candidates,
    context: { userId: 'user-1', runId: 'run-1' },
    recorder: { record: (call) => records.push(call) },
    policy: { ...fastPolicy, ...policy },
    clock,
    ids: { uuid: () => `id-${++count}` },
  });
  return { model, records };
}

/** streamText without the SDK's own retries, errors kept off the console (drain collects them). */
function stream(model: LanguageModelV3, abortSignal?: AbortSignal) {
  return streamText({ model, prompt: 'Hi', maxRetries: 0, onError: () => {}, ...(abortSignal ? { abortSignal } : {}) });
}

/** Reads a streamText result to its end, collecting text and errors. */
async function drain(result: ReturnType<typeof streamText>) {
  let text = '';
  const errors: unknown[] = [];
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') errors.push(part.error);
    }
  } catch (error) {
    // A broken stream errors the whole stream rather than sending an error part.
    errors.push(error);
  }
  return { text, errors };
}

const serviceUnavailable = () =>
  new APICallError({ message: 'Service Unavailable', url: 'http://provider.test', requestBodyValues: {}, statusCode: 503 });

describe('createResilientModel: stream', () => {
  it('records a succeeded stream with time to first token and the usage of its finish part', async () => {
    const clock = new FixedClock();
    const beforePart = (part: LanguageModelV3StreamPart) => clock.advance(part.type === 'text-delta' ? 30 : 5);
    const primary = candidate('primary', [{ parts: textParts('Hello there', 7, 2), beforePart }]);
    const { model, records } = setup([primary.candidate], clock);

    const { text, errors } = await drain(stream(model));

    expect(text).toBe('Hello there');
    expect(errors).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      operation: 'stream',
      status: 'succeeded',
      attempt: 1,
      userId: 'user-1',
      runId: 'run-1',
      promptTokens: 7,
      completionTokens: 2,
      totalTokens: 9,
      // stream-start and text-start (5 ms each), then the first delta (30 ms).
      timeToFirstTokenMs: 40,
      error: null,
    });
    expect(records[0]?.latencyMs).toBeGreaterThanOrEqual(records[0]?.timeToFirstTokenMs ?? Infinity);
  });

  it('records a stream cancelled by its reader as cancelled and cancels the provider stream', async () => {
    const primary = candidate('primary', [{ parts: textParts('one two three').slice(0, 3), ending: 'hang' }]);
    const { model, records } = setup([primary.candidate]);
    const { stream: parts } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
    const reader = parts.getReader();

    let part = await reader.read();
    while (!part.done && part.value.type !== 'text-delta') part = await reader.read();
    await reader.cancel('the reader gave up');

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ operation: 'stream', status: 'cancelled' });
    expect(records[0]?.timeToFirstTokenMs).not.toBeNull();
    expect(primary.state.cancelled).toBe(true);
  });

  it('records a stream the caller aborts part-way as cancelled, without retrying', async () => {
    const primary = candidate('primary', [
      { parts: textParts('partial answer').slice(0, 3), ending: 'hang' },
      { parts: textParts('x') },
    ]);
    const { model, records } = setup([primary.candidate]);
    const controller = new AbortController();

    const result = stream(model, controller.signal);
    const seen: string[] = [];
    await expect(async () => {
      for await (const part of result.fullStream) {
        seen.push(part.type);
        if (part.type === 'text-delta') controller.abort(new Error('the user left'));
      }
    }).rejects.toThrow('the user left');

    expect(seen).toContain('text-delta');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ operation: 'stream', status: 'cancelled', error: 'the user left' });
    expect(primary.model.doStreamCalls).toHaveLength(1);
  });

  it('retries a stream whose start is refused with 503', async () => {
    const primary = candidate('primary', [serviceUnavailable(), { parts: textParts('second try') }]);
    const { model, records } = setup([primary.candidate]);

    const { text } = await drain(stream(model));

    expect(text).toBe('second try');
    expect(records.map((call) => [call.operation, call.attempt, call.status])).toEqual([
      ['stream', 1, 'failed'],
      ['stream', 2, 'succeeded'],
    ]);
    expect(records[0]?.error).toBe('Service Unavailable');
  });

  it('falls back when the primary stream cannot start', async () => {
    const refused = new APICallError({ message: 'Bad Request', url: 'u', requestBodyValues: {}, statusCode: 400 });
    const primary = candidate('primary', [refused]);
    const fallback = candidate('fallback', [{ parts: textParts('fallback text') }]);
    const { model, records } = setup([primary.candidate, fallback.candidate]);

    const { text } = await drain(stream(model));

    expect(text).toBe('fallback text');
    expect(records.map((call) => [call.model, call.isFallback, call.status])).toEqual([
      ['primary', false, 'failed'],
      ['fallback', true, 'succeeded'],
    ]);
  });

  it('records an error part inside a started stream as failed, and does not retry', async () => {
    const parts = textParts('half').slice(0, 3);
    parts.push({ type: 'error', error: serviceUnavailable() });
    const primary = candidate('primary', [{ parts }, { parts: textParts('never') }]);
    const { model, records } = setup([primary.candidate]);

    const { text, errors } = await drain(stream(model));

    expect(text).toBe('half');
    expect(errors).toHaveLength(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ operation: 'stream', status: 'failed', error: 'Service Unavailable' });
    expect(primary.model.doStreamCalls).toHaveLength(1);
  });

  it('records a stream that breaks after it started as failed, and does not retry', async () => {
    const primary = candidate('primary', [
      { parts: textParts('cut off').slice(0, 3), ending: new TypeError('terminated') },
      { parts: textParts('never') },
    ]);
    const { model, records } = setup([primary.candidate]);

    const { text, errors } = await drain(stream(model));

    expect(text).toBe('cut off'.split(' ')[0]);
    expect(errors).toHaveLength(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'failed', error: 'terminated' });
    expect(primary.model.doStreamCalls).toHaveLength(1);
  });

  it('applies the timeout only until the stream starts', async () => {
    const primary = candidate('primary', [{ parts: textParts('slow but steady') }]);
    const { model } = setup([primary.candidate], new FixedClock(), { timeoutMs: 5 });
    const { stream: parts } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
    const reader = parts.getReader();

    // Outlive the 5 ms timeout before reading: a timeout still armed would have aborted the attempt.
    await new Promise((resolve) => setTimeout(resolve, 15));
    const types: string[] = [];
    for (let part = await reader.read(); !part.done; part = await reader.read()) types.push(part.value.type);

    expect(types.at(-1)).toBe('finish');
    expect(primary.model.doStreamCalls[0]?.abortSignal?.aborted).toBe(false);
  });
});

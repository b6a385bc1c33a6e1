import {
  APICallError,
  type LanguageModelV3CallOptions,
  type LanguageModelV3GenerateResult,
} from '@ai-sdk/provider';
import { generateText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import type { IdGenerator } from '../ids.js';
import type { LlmCallRecord } from './llm-call.js';
import { createResilientModel, ModelTimeoutError, type ModelCandidate } from './resilient-model.js';
import type { RetryPolicy } from './retry-policy.js';

const fastPolicy: RetryPolicy = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 200 };
const context = { userId: 'user-1', agentId: 'agent-1', sessionId: 'session-1', runId: 'run-1' };

type Step =
  | LanguageModelV3GenerateResult
  | Error
  | ((options: LanguageModelV3CallOptions) => Promise<LanguageModelV3GenerateResult>);

function generated(text: string, input = 12, output = 3): LanguageModelV3GenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: {
      inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: output, text: output, reasoning: undefined },
    },
    warnings: [],
  };
}

function httpError(statusCode: number, responseHeaders?: Record<string, string>): APICallError {
  return new APICallError({
    message: `Provider answered ${statusCode}`,
    url: 'http://provider.test/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    ...(responseHeaders ? { responseHeaders } : {}),
  });
}

/** Never answers; rejects with the attempt signal's reason once that signal aborts. */
function hangUntilAborted(options: LanguageModelV3CallOptions): Promise<never> {
  return new Promise((_resolve, reject) => {
    const signal = options.abortSignal;
    if (!signal) return reject(new Error('the attempt got no abort signal'));
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A candidate whose doGenerate plays `steps` in order, one per call. */
function candidate(name: string, steps: Step[]): ModelCandidate & { model: MockLanguageModelV3 } {
  const remaining = [...steps];
  const model = new MockLanguageModelV3({
    provider: 'openai-compatible',
    modelId: name,
    doGenerate: async (options) => {
      const step = remaining.shift();
      if (step === undefined) throw new Error(`${name}: no step left`);
      if (step instanceof Error) throw step;
      return typeof step === 'function' ? step(options) : step;
    },
  });
  return { model, provider: 'openai-compatible', modelName: name, modelConfigId: `config-${name}` };
}

function sequentialIds(): IdGenerator {
  let count = 0;
  return { uuid: () => `00000000-0000-4000-8000-${String(++count).padStart(12, '0')}` };
}

interface SetupOptions {
  policy?: Partial<RetryPolicy>;
  onRecord?: (call: LlmCallRecord) => void;
}

function setup(candidates: ModelCandidate[], options: SetupOptions = {}) {
  const records: LlmCallRecord[] = [];
  const clock = new FixedClock('2026-03-01T10:00:00.000Z');
  const model = createResilientModel({
    candidates,
    context,
    recorder: {
      record: (call) => {
        records.push(call);
        options.onRecord?.(call);
      },
    },
    policy: { ...fastPolicy, ...options.policy },
    clock,
    ids: sequentialIds(),
  });
  return { model, records, clock };
}

const summary = (records: LlmCallRecord[]) =>
  records.map((call) => [call.model, call.attempt, call.isFallback, call.status] as const);

describe('createResilientModel: generate', () => {
  it('records one succeeded call with usage, context and latency', async () => {
    const clock = new FixedClock('2026-03-01T10:00:00.000Z');
    const primary = candidate('primary', [
      async () => {
        clock.advance(40);
        return generated('Hello!', 12, 3);
      },
    ]);
    const records: LlmCallRecord[] = [];
    const model = createResilientModel({
      candidates: [primary],
      context,
      recorder: { record: (call) => records.push(call) },
      policy: fastPolicy,
      clock,
      ids: sequentialIds(),
    });

    const result = await generateText({ model, prompt: 'Hi', maxRetries: 0 });

    expect(result.text).toBe('Hello!');
    expect(records).toEqual([
      {
        id: '00000000-0000-4000-8000-000000000001',
        ...context,
        modelConfigId: 'config-primary',
        provider: 'openai-compatible',
        model: 'primary',
        operation: 'generate',
        status: 'succeeded',
        attempt: 1,
        isFallback: false,
        promptTokens: 12,
        completionTokens: 3,
        totalTokens: 15,
        latencyMs: 40,
        timeToFirstTokenMs: null,
        error: null,
        createdAt: new Date('2026-03-01T10:00:00.000Z'),
      },
    ]);
  });

  it('passes the call through to the model with an abort signal of its own', async () => {
    const primary = candidate('primary', [generated('ok')]);
    const { model } = setup([primary]);

    await generateText({ model, prompt: 'Hi', temperature: 0.3, maxRetries: 0 });

    const [call] = primary.model.doGenerateCalls;
    expect(call?.temperature).toBe(0.3);
    expect(call?.prompt).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    expect(call?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('retries a 429 twice and returns the third answer, recording every attempt', async () => {
    const rateLimited = httpError(429, { 'retry-after-ms': '2' });
    const primary = candidate('primary', [httpError(429), rateLimited, generated('third time')]);
    const { model, records } = setup([primary]);

    const result = await generateText({ model, prompt: 'Hi', maxRetries: 0 });

    expect(result.text).toBe('third time');
    expect(summary(records)).toEqual([
      ['primary', 1, false, 'failed'],
      ['primary', 2, false, 'failed'],
      ['primary', 3, false, 'succeeded'],
    ]);
    expect(records[0]?.error).toBe('Provider answered 429');
    expect(records.map((call) => call.operation)).toEqual(['generate', 'generate', 'generate']);
    expect(new Set(records.map((call) => call.id)).size).toBe(3);
  });

  it('does not retry a 400 but moves on to the fallback', async () => {
    const primary = candidate('primary', [httpError(400), generated('never reached')]);
    const fallback = candidate('fallback', [generated('from the fallback')]);
    const { model, records } = setup([primary, fallback]);

    const result = await generateText({ model, prompt: 'Hi', maxRetries: 0 });

    expect(result.text).toBe('from the fallback');
    expect(primary.model.doGenerateCalls).toHaveLength(1);
    expect(summary(records)).toEqual([
      ['primary', 1, false, 'failed'],
      ['fallback', 1, true, 'succeeded'],
    ]);
    expect(records[1]?.modelConfigId).toBe('config-fallback');
  });

  it('throws the last error when every candidate fails, after recording every attempt', async () => {
    const last = httpError(401);
    const primary = candidate('primary', [httpError(500), httpError(502), httpError(503)]);
    const fallback = candidate('fallback', [last]);
    const { model, records } = setup([primary, fallback]);

    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toBe(last);

    expect(summary(records)).toEqual([
      ['primary', 1, false, 'failed'],
      ['primary', 2, false, 'failed'],
      ['primary', 3, false, 'failed'],
      ['fallback', 1, true, 'failed'],
    ]);
    expect(records.map((call) => call.error)).toEqual([
      'Provider answered 500',
      'Provider answered 502',
      'Provider answered 503',
      'Provider answered 401',
    ]);
  });

  it('stops at once when the caller aborts during an attempt, recording it cancelled', async () => {
    const primary = candidate('primary', [hangUntilAborted, generated('too late')]);
    const fallback = candidate('fallback', [generated('too late')]);
    const { model, records } = setup([primary, fallback]);
    const controller = new AbortController();
    const reason = new Error('the user left');

    const answer = generateText({ model, prompt: 'Hi', maxRetries: 0, abortSignal: controller.signal });
    setTimeout(() => controller.abort(reason), 2);

    await expect(answer).rejects.toBe(reason);
    expect(summary(records)).toEqual([['primary', 1, false, 'cancelled']]);
    expect(records[0]?.error).toBe('the user left');
    expect(primary.model.doGenerateCalls).toHaveLength(1);
    expect(fallback.model.doGenerateCalls).toHaveLength(0);
  });

  it('stops at once when the caller aborts during a retry wait, with no further attempt', async () => {
    const controller = new AbortController();
    const reason = new Error('the user left');
    const primary = candidate('primary', [httpError(503), generated('too late')]);
    const fallback = candidate('fallback', [generated('too late')]);
    // A wait of a minute: were the abort ignored, the test would time out instead of passing.
    const { model, records } = setup([primary, fallback], {
      policy: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      onRecord: () => setTimeout(() => controller.abort(reason), 1),
    });

    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0, abortSignal: controller.signal })).rejects.toBe(reason);

    expect(summary(records)).toEqual([['primary', 1, false, 'failed']]);
    expect(primary.model.doGenerateCalls).toHaveLength(1);
    expect(fallback.model.doGenerateCalls).toHaveLength(0);
  }, 2_000);

  it('gives up on the first attempt when the caller aborted before the call', async () => {
    const primary = candidate('primary', [hangUntilAborted]);
    const { model, records } = setup([primary]);
    const controller = new AbortController();
    controller.abort(new Error('gone already'));

    const answer = generateText({ model, prompt: 'Hi', maxRetries: 0, abortSignal: controller.signal });

    await expect(answer).rejects.toThrow('gone already');
    expect(summary(records)).toEqual([['primary', 1, false, 'cancelled']]);
  });

  it('times out an attempt that never answers, records ModelTimeoutError and retries', async () => {
    // The model rejects with its own abort error, as fetch does; the record must still say timeout.
    const hangLikeFetch = async (options: LanguageModelV3CallOptions) =>
      hangUntilAborted(options).catch(() => {
        throw new DOMException('This operation was aborted', 'AbortError');
      });
    const primary = candidate('primary', [hangLikeFetch, generated('second try')]);
    const { model, records } = setup([primary], { policy: { timeoutMs: 10 } });

    const result = await generateText({ model, prompt: 'Hi', maxRetries: 0 });

    expect(result.text).toBe('second try');
    expect(summary(records)).toEqual([
      ['primary', 1, false, 'failed'],
      ['primary', 2, false, 'succeeded'],
    ]);
    expect(records[0]?.error).toBe('No answer within 10 ms');
    expect(primary.model.doGenerateCalls[0]?.abortSignal?.aborted).toBe(true);
  });

  it('throws ModelTimeoutError when every attempt times out', async () => {
    const primary = candidate('primary', [hangUntilAborted, hangUntilAborted]);
    const { model, records } = setup([primary], { policy: { timeoutMs: 5, maxAttempts: 2 } });

    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toBeInstanceOf(ModelTimeoutError);

    expect(summary(records)).toEqual([
      ['primary', 1, false, 'failed'],
      ['primary', 2, false, 'failed'],
    ]);
  });

  it('reports the primary model and refuses an empty candidate list', () => {
    const { model } = setup([candidate('primary', []), candidate('fallback', [])]);

    expect([model.provider, model.modelId]).toEqual(['openai-compatible', 'primary']);
    expect(() => setup([])).toThrow(/at least one candidate/);
  });
});

import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { Clock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import type { CallContext, LlmCallRecord, LlmCallRecorder } from './llm-call.js';
import { isRetryable, retryDelayMs, sleep, type RetryPolicy } from './retry-policy.js';

/** One model the gateway may call, with what the call log needs to know about it. */
export interface ModelCandidate {
  model: LanguageModelV3;
  provider: string;
  modelName: string;
  modelConfigId: string | null;
}

/** What a resilient model is made of. */
export interface ResilientModelOptions {
  /** The primary model first, then its fallbacks in order. */
  candidates: ModelCandidate[];
  context: CallContext;
  recorder: LlmCallRecorder;
  policy: RetryPolicy;
  clock: Clock;
  ids: IdGenerator;
}

/** Thrown when one attempt exceeds the policy's timeout; retryable. */
export class ModelTimeoutError extends Error {
  override readonly name = 'ModelTimeoutError';
}

type Attempt = { candidate: ModelCandidate; attempt: number; isFallback: boolean; startedAt: number };

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 500);
}

interface AttemptGuard {
  signal: AbortSignal;
  /** Stops the timeout (the answer has started) while still following the caller. */
  settle(): void;
  /** Stops following the caller's signal. */
  release(): void;
  /** Set when a stream took over the guard (it will call release when it ends). */
  handedOver: boolean;
}

/** An abort controller that follows the caller's signal and fires on its own after `timeoutMs`. */
function attemptSignal(callerSignal: AbortSignal | undefined, timeoutMs: number): AttemptGuard {
  const controller = new AbortController();
  const forward = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) forward();
  callerSignal?.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(() => controller.abort(new ModelTimeoutError(`No answer within ${timeoutMs} ms`)), timeoutMs);
  return {
    signal: controller.signal,
    settle: () => clearTimeout(timer),
    release: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forward);
    },
    handedOver: false,
  };
}

/**
 * A LanguageModelV3 that calls its candidates in order: each is retried on transient failures
 * (429, 5xx, timeouts, network errors; honouring Retry-After), and when one keeps failing the next
 * takes over. The caller's abort stops everything at once. Every attempt is recorded.
 * Streams can be retried only until they start: once text flowed, a failure ends the stream.
 */
export function createResilientModel(options: ResilientModelOptions): LanguageModelV3 {
  const { candidates, context, recorder, policy, clock, ids } = options;
  const primary = candidates[0];
  if (!primary) throw new Error('createResilientModel needs at least one candidate');
  const now = () => clock.now().getTime();

  function record(attempt: Attempt, outcome: Partial<LlmCallRecord> & Pick<LlmCallRecord, 'status' | 'operation'>) {
    recorder.record({
      id: ids.uuid(),
      ...context,
      modelConfigId: attempt.candidate.modelConfigId,
      provider: attempt.candidate.provider,
      model: attempt.candidate.modelName,
      attempt: attempt.attempt,
      isFallback: attempt.isFallback,
      promptTokens: null,
      completionTokens: null,
      totalTokens: null,
      timeToFirstTokenMs: null,
      error: null,
      latencyMs: Math.max(0, now() - attempt.startedAt),
      createdAt: new Date(attempt.startedAt),
      ...outcome,
    });
  }

  async function run<Result>(
    operation: 'generate' | 'stream',
    callerSignal: AbortSignal | undefined,
    call: (candidate: ModelCandidate, guard: AttemptGuard, attempt: Attempt) => Promise<Result>,
  ): Promise<Result> {
    let lastError: unknown;
    for (const [index, candidate] of candidates.entries()) {
      for (let number = 1; number <= policy.maxAttempts; number++) {
        const attempt: Attempt = { candidate, attempt: number, isFallback: index > 0, startedAt: now() };
        const guard = attemptSignal(callerSignal, policy.timeoutMs);
        try {
          return await call(candidate, guard, attempt);
        } catch (error) {
          const failure = guard.signal.reason instanceof ModelTimeoutError ? guard.signal.reason : error;
          const cancelled = callerSignal?.aborted === true;
          record(attempt, { operation, status: cancelled ? 'cancelled' : 'failed', error: describe(failure) });
          if (cancelled) throw error;
          lastError = failure;
          if (!isRetryable(failure) || number === policy.maxAttempts) break;
          await sleep(retryDelayMs(failure, number, policy), callerSignal);
        } finally {
          // A stream keeps following the caller's signal until it ends; it releases the guard itself.
          if (operation === 'generate' || !guard.handedOver) guard.release();
        }
      }
    }
    throw lastError;
  }

  return {
    specificationVersion: 'v3',
    provider: primary.provider,
    modelId: primary.modelName,
    supportedUrls: primary.model.supportedUrls,
    doGenerate: (callOptions: LanguageModelV3CallOptions) =>
      run('generate', callOptions.abortSignal, async (candidate, guard, attempt) => {
        const result = await candidate.model.doGenerate({ ...callOptions, abortSignal: guard.signal });
        record(attempt, { operation: 'generate', status: 'succeeded', ...usageFields(result.usage) });
        return result;
      }),
    doStream: (callOptions: LanguageModelV3CallOptions) =>
      run('stream', callOptions.abortSignal, async (candidate, guard, attempt) => {
        const result = await candidate.model.doStream({ ...callOptions, abortSignal: guard.signal });
        guard.settle();
        guard.handedOver = true;
        const finish = (outcome: Partial<LlmCallRecord> & Pick<LlmCallRecord, 'status'>) => {
          guard.release();
          record(attempt, { operation: 'stream', ...outcome });
        };
        return { ...result, stream: recordingStream(result.stream, { startedAt: attempt.startedAt, now, finish, signal: guard.signal }) };
      }),
  };
}

function usageFields(usage: LanguageModelV3Usage | undefined) {
  const prompt = usage?.inputTokens.total ?? null;
  const completion = usage?.outputTokens.total ?? null;
  return {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt === null && completion === null ? null : (prompt ?? 0) + (completion ?? 0),
  };
}

const firstTokenParts = new Set(['text-delta', 'reasoning-delta', 'tool-input-start', 'tool-call']);

interface RecordingOptions {
  startedAt: number;
  now: () => number;
  signal: AbortSignal;
  finish: (outcome: Partial<LlmCallRecord> & Pick<LlmCallRecord, 'status'>) => void;
}

/**
 * Passes a stream through unchanged while noting time to first token, usage and how it ended:
 * finished, failed (an error part or a broken connection) or cancelled (the reader gave up or the
 * caller aborted).
 */
function recordingStream(
  source: ReadableStream<LanguageModelV3StreamPart>,
  options: RecordingOptions,
): ReadableStream<LanguageModelV3StreamPart> {
  const reader = source.getReader();
  let firstTokenAt: number | null = null;
  let usage: LanguageModelV3Usage | undefined;
  let error: string | null = null;
  let done = false;
  const end = (status: LlmCallRecord['status']) => {
    if (done) return;
    done = true;
    const timeToFirstTokenMs = firstTokenAt === null ? null : firstTokenAt - options.startedAt;
    options.finish({ status, error, timeToFirstTokenMs, ...usageFields(usage) });
  };
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) {
          end(error ? 'failed' : 'succeeded');
          controller.close();
          return;
        }
        const part = next.value;
        if (firstTokenAt === null && firstTokenParts.has(part.type)) firstTokenAt = options.now();
        if (part.type === 'finish') usage = part.usage;
        if (part.type === 'error') error = describe(part.error);
        controller.enqueue(part);
      } catch (failure) {
        error = describe(failure);
        end(options.signal.aborted && !(options.signal.reason instanceof ModelTimeoutError) ? 'cancelled' : 'failed');
        controller.error(failure);
      }
    },
    cancel(reason) {
      end('cancelled');
      return reader.cancel(reason);
    },
  });
}

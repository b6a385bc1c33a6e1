import { APICallError } from '@ai-sdk/provider';

/** How hard the gateway tries one model before it moves to the next. */
export interface RetryPolicy {
  /** Tries per model, the first included (default 3). */
  maxAttempts: number;
  /** Delay before the first retry, doubled each time (default 500 ms). */
  initialDelayMs: number;
  /** Ceiling of any delay, Retry-After included (default 20 s). */
  maxDelayMs: number;
  /** Time one attempt may take before it counts as failed (default 120 s; streams: until the first byte). */
  timeoutMs: number;
}

/** The defaults above. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 500,
  maxDelayMs: 20_000,
  timeoutMs: 120_000,
};

/** True for failures worth repeating: 408, 409, 429 and 5xx answers, timeouts and network errors. */
export function isRetryable(error: unknown): boolean {
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    return error.isRetryable || status === undefined || status === 408 || status === 429 || status >= 500;
  }
  if (error instanceof Error && error.name === 'ModelTimeoutError') return true;
  // fetch failed: connection refused, reset, DNS. The cause carries the system error code.
  return error instanceof TypeError && /fetch failed|network|socket/i.test(error.message);
}

/** A numeric header value; absent, blank or non-numeric give NaN (Number('') would say 0). */
function headerNumber(value: string | undefined): number {
  return value === undefined || value.trim() === '' ? Number.NaN : Number(value);
}

/**
 * The wait before retry number `attempt` (1 = the first retry): the provider's Retry-After or
 * retry-after-ms when it sent one, else exponential backoff; never above maxDelayMs.
 */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy): number {
  const backoff = policy.initialDelayMs * 2 ** (attempt - 1);
  const headers = APICallError.isInstance(error) ? error.responseHeaders : undefined;
  const milliseconds = headerNumber(headers?.['retry-after-ms']);
  const seconds = headerNumber(headers?.['retry-after']);
  const fromHeader = Number.isFinite(milliseconds)
    ? milliseconds
    : Number.isFinite(seconds)
      ? seconds * 1000
      : undefined;
  const wanted = fromHeader !== undefined && fromHeader >= 0 ? fromHeader : backoff;
  return Math.min(wanted, policy.maxDelayMs);
}

/** Waits `milliseconds`, or rejects at once with the signal's reason when it aborts. */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

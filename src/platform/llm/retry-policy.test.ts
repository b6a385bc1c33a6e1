import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { ModelTimeoutError } from './resilient-model.js';
import { isRetryable, retryDelayMs, sleep, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000, timeoutMs: 5_000 };

/** An APICallError as a provider client raises it, with the SDK's own isRetryable default. */
function apiError(statusCode: number | undefined, responseHeaders?: Record<string, string>): APICallError {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    ...(responseHeaders ? { responseHeaders } : {}),
  });
}

describe('isRetryable', () => {
  it.each([408, 409, 429, 500, 502, 503])('retries an APICallError with status %i', (status) => {
    expect(isRetryable(apiError(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 422])('does not retry an APICallError with status %i', (status) => {
    expect(isRetryable(apiError(status))).toBe(false);
  });

  it('retries an APICallError without a status (the request never got an answer)', () => {
    expect(isRetryable(apiError(undefined))).toBe(true);
  });

  it('retries a 429 or 5xx even when the provider client marked it not retryable', () => {
    const marked = (statusCode: number) =>
      new APICallError({ message: 'x', url: 'u', requestBodyValues: {}, statusCode, isRetryable: false });

    expect(isRetryable(marked(429))).toBe(true);
    expect(isRetryable(marked(503))).toBe(true);
    expect(isRetryable(marked(400))).toBe(false);
  });

  it('retries network failures and timeouts', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });

    expect(isRetryable(refused)).toBe(true);
    expect(isRetryable(new TypeError('network error'))).toBe(true);
    expect(isRetryable(new ModelTimeoutError('No answer within 10 ms'))).toBe(true);
  });

  it('does not retry plain errors, programming errors or non-errors', () => {
    expect(isRetryable(new Error('fetch failed'))).toBe(false);
    expect(isRetryable(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isRetryable('fetch failed')).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('backs off exponentially from initialDelayMs', () => {
    const error = apiError(500);

    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(error, attempt, policy))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than maxDelayMs', () => {
    expect(retryDelayMs(apiError(500), 10, policy)).toBe(1_000);
    expect(retryDelayMs(new Error('other'), 5, policy)).toBe(1_000);
  });

  it('honours Retry-After in seconds', () => {
    expect(retryDelayMs(apiError(429, { 'retry-after': '0.5' }), 1, policy)).toBe(500);
    expect(retryDelayMs(apiError(429, { 'retry-after': '0' }), 3, policy)).toBe(0);
  });

  it('prefers retry-after-ms to retry-after', () => {
    const error = apiError(429, { 'retry-after-ms': '250', 'retry-after': '9' });

    expect(retryDelayMs(error, 1, policy)).toBe(250);
  });

  it('caps a Retry-After above maxDelayMs', () => {
    expect(retryDelayMs(apiError(429, { 'retry-after': '3600' }), 1, policy)).toBe(1_000);
  });

  it.each([
    ['a negative retry-after', { 'retry-after': '-5' }],
    ['a negative retry-after-ms', { 'retry-after-ms': '-1' }],
    ['a garbage retry-after', { 'retry-after': 'soon' }],
    ['a blank retry-after', { 'retry-after': ' ' }],
    ['a blank retry-after-ms', { 'retry-after-ms': '' }],
    ['an HTTP-date retry-after', { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }],
  ])('falls back to the backoff for %s', (_label, headers) => {
    expect(retryDelayMs(apiError(429, headers), 2, policy)).toBe(200);
  });

  it('ignores headers on errors that are not APICallErrors', () => {
    const lookalike = Object.assign(new Error('x'), { responseHeaders: { 'retry-after': '0.7' } });

    expect(retryDelayMs(lookalike, 1, policy)).toBe(100);
  });
});

describe('sleep', () => {
  it('resolves after the wait', async () => {
    const startedAt = performance.now();

    await expect(sleep(5)).resolves.toBeUndefined();

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(4);
  });

  it('rejects at once with the reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);

    await expect(sleep(60_000, controller.signal)).rejects.toBe(reason);
  });

  it('rejects as soon as the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waiting = sleep(60_000, controller.signal);

    setTimeout(() => controller.abort(reason), 1);

    // Were the abort ignored, this would hang until the test timeout.
    await expect(waiting).rejects.toBe(reason);
  }, 1_000);

  it('resolves normally when the signal never aborts', async () => {
    const controller = new AbortController();

    await expect(sleep(1, controller.signal)).resolves.toBeUndefined();
    controller.abort();
  });
});

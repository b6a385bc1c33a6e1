import { APICallError } from '@ai-sdk/provider';
import { RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import {
  explainProviderError,
  modelConfigNotFound,
  modelKindMismatch,
  modelNotConfigured,
  providerFailure,
} from './llm-errors.js';
import { ModelTimeoutError } from './resilient-model.js';

const model = 'gpt-test';

type ApiErrorOptions = ConstructorParameters<typeof APICallError>[0];

function apiError(statusCode: number | undefined, responseBody?: string, extra: Partial<ApiErrorOptions> = {}) {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: 'https://provider.test/v1/chat/completions',
    requestBodyValues: { model },
    statusCode,
    ...(responseBody === undefined ? {} : { responseBody }),
    ...extra,
  });
}

/** An OpenAI-style error body. */
const openAiBody = (message: string) =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });

function refused(code = 'ECONNREFUSED'): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code }) });
}

describe('explainProviderError', () => {
  it.each([
    [401, 'The provider rejected the API key (HTTP 401)'],
    [403, 'The provider rejected the API key (HTTP 403)'],
    [404, 'The provider does not know model "gpt-test", or the base URL is wrong (HTTP 404)'],
    [429, 'The provider is rate limiting this key or its quota is used up (HTTP 429)'],
    [500, 'The provider failed (HTTP 500)'],
    [503, 'The provider failed (HTTP 503)'],
    [400, 'The provider refused the request (HTTP 400)'],
  ])('explains HTTP %i', (status, expected) => {
    expect(explainProviderError(apiError(status), model)).toBe(expected);
  });

  it("appends the provider's own message from an OpenAI-style body", () => {
    const error = apiError(400, openAiBody("Invalid value for 'temperature': must be at most 2."));

    expect(explainProviderError(error, model)).toBe(
      "The provider refused the request (HTTP 400): Invalid value for 'temperature': must be at most 2.",
    );
  });

  it('reads the other error body shapes providers use, and ignores bodies it cannot read', () => {
    expect(explainProviderError(apiError(401, '{"error":"invalid token"}'), model)).toBe(
      'The provider rejected the API key (HTTP 401): invalid token',
    );
    expect(explainProviderError(apiError(500, '{"message":"upstream exploded"}'), model)).toBe(
      'The provider failed (HTTP 500): upstream exploded',
    );
    expect(explainProviderError(apiError(502, '<html>Bad Gateway</html>'), model)).toBe('The provider failed (HTTP 502)');
    expect(explainProviderError(apiError(500, '{"error":{"message":42}}'), model)).toBe('The provider failed (HTTP 500)');
  });

  it('cuts a long provider message to 300 characters', () => {
    const explained = explainProviderError(apiError(400, openAiBody('bad input. '.repeat(100))), model);

    expect(explained).toBe(`The provider refused the request (HTTP 400): ${'bad input. '.repeat(100).slice(0, 300)}`);
  });

  it('redacts key-shaped tokens a provider echoes back', () => {
    const explained = explainProviderError(
      apiError(401, openAiBody('Incorrect API key provided: sk-proj-abcdef1234567890. Check it.')),
      model,
    );

    expect(explained).not.toContain('abcdef1234567890');
    expect(explained).toContain('[redacted]');
  });

  it('explains the last error of a RetryError', () => {
    const retried = new RetryError({
      message: 'Failed after 3 attempts',
      reason: 'maxRetriesExceeded',
      errors: [apiError(500), apiError(503), apiError(429, openAiBody('Rate limit reached'))],
    });

    expect(explainProviderError(retried, model)).toBe(
      'The provider is rate limiting this key or its quota is used up (HTTP 429): Rate limit reached',
    );
  });

  it('explains a connection failure by its system error code, bare or wrapped by the SDK', () => {
    const wrapped = apiError(undefined, undefined, {
      message: 'Cannot connect to API: fetch failed',
      cause: refused('ENOTFOUND'),
    });

    expect(explainProviderError(refused(), model)).toBe('Could not connect to the provider (ECONNREFUSED)');
    expect(explainProviderError(wrapped, model)).toBe('Could not connect to the provider (ENOTFOUND)');
  });

  it('explains a timeout', () => {
    expect(explainProviderError(new ModelTimeoutError('No answer within 120000 ms'), model)).toBe(
      'The provider did not answer in time (No answer within 120000 ms)',
    );
  });

  it('falls back to the error message, or a generic sentence for a non-error', () => {
    expect(explainProviderError(new Error('something odd'), model)).toBe('something odd');
    expect(explainProviderError('a string', model)).toBe('The provider call failed');
  });

  it('never repeats an API key found in the request URL, body or headers', () => {
    const key = 'sk-live-0123456789abcdefSECRET';
    const error = apiError(401, openAiBody('Incorrect API key provided.'), {
      url: `https://provider.test/v1/chat/completions?api_key=${key}`,
      requestBodyValues: { model, api_key: key, messages: [{ role: 'user', content: 'hi' }] },
      responseHeaders: { 'x-echo-authorization': `Bearer ${key}` },
    });
    const wrapped = new RetryError({ message: `Failed: ${error.message}`, reason: 'errorNotRetryable', errors: [error] });

    const failure = providerFailure(wrapped, model);

    expect(explainProviderError(error, model)).not.toContain(key);
    expect(failure.message).toBe('The provider rejected the API key (HTTP 401): Incorrect API key provided.');
    expect(JSON.stringify({ message: failure.message, details: failure.details })).not.toContain(key);
  });
});

describe('providerFailure', () => {
  it.each([429, 500, 502, 503])('makes HTTP %i a retryable "unavailable" MODEL_PROVIDER_ERROR', (status) => {
    const cause = apiError(status);

    const failure = providerFailure(cause, model);

    expect(failure).toMatchObject({ code: 'MODEL_PROVIDER_ERROR', category: 'unavailable', retryable: true });
    expect(failure.details).toEqual({ model, provider_status: status });
    expect(failure.cause).toBe(cause);
  });

  it.each([400, 401, 403, 404, 422])('makes HTTP %i a non-retryable "upstream" MODEL_PROVIDER_ERROR', (status) => {
    const failure = providerFailure(apiError(status), model);

    expect(failure).toMatchObject({ code: 'MODEL_PROVIDER_ERROR', category: 'upstream', retryable: false });
    expect(failure.details).toEqual({ model, provider_status: status });
  });

  it('makes network errors and timeouts "unavailable" without a provider status', () => {
    for (const cause of [refused(), new ModelTimeoutError('No answer within 10 ms')]) {
      const failure = providerFailure(cause, model);

      expect(failure).toMatchObject({ category: 'unavailable', retryable: true });
      expect(failure.details).toEqual({ model });
    }
  });

  it('unwraps a RetryError: the status, message and cause are those of its last error', () => {
    const last = apiError(401, openAiBody('Invalid key'));
    const retried = new RetryError({ message: 'Failed', reason: 'errorNotRetryable', errors: [apiError(500), last] });

    const failure = providerFailure(retried, model);

    expect(failure).toMatchObject({ category: 'upstream', retryable: false });
    expect(failure.message).toBe('The provider rejected the API key (HTTP 401): Invalid key');
    expect(failure.details).toEqual({ model, provider_status: 401 });
    expect(failure.cause).toBe(last);
  });
});

describe('model configuration errors', () => {
  it('explain how to configure a chat or rerank model', () => {
    expect(modelNotConfigured()).toMatchObject({ code: 'MODEL_NOT_CONFIGURED', category: 'validation' });
    expect(modelNotConfigured().message).toContain('OPENAI_API_KEY');
    expect(modelNotConfigured('rerank').message).toContain('kind: "rerank"');
  });

  it('name the config that is missing or of the wrong kind', () => {
    expect(modelConfigNotFound('config-1')).toMatchObject({
      code: 'MODEL_CONFIG_NOT_FOUND',
      category: 'not_found',
      details: { id: 'config-1' },
    });
    expect(modelKindMismatch('config-2', 'chat', 'embedding')).toMatchObject({
      code: 'MODEL_KIND_MISMATCH',
      category: 'validation',
      message: 'Model config config-2 is a embedding model; a chat model is needed here',
      details: { id: 'config-2', expected: 'chat', actual: 'embedding' },
    });
  });
});

import { APICallError } from '@ai-sdk/provider';
import { RetryError } from 'ai';
import { AppError } from '../errors/app-error.js';

/** 422: nothing to talk to. The message says how to fix it. */
export const modelNotConfigured = (kind: 'chat' | 'rerank' = 'chat') =>
  new AppError({
    code: 'MODEL_NOT_CONFIGURED',
    category: 'validation',
    message:
      kind === 'chat'
        ? 'No chat model is configured. Add one with POST /api/v1/model-configs (is_default: true), or set ' +
          'OPENAI_API_KEY (and OPENAI_BASE_URL, DEFAULT_MODEL for an OpenAI-compatible endpoint) on the server.'
        : 'No rerank model is configured. Add one with POST /api/v1/model-configs (kind: "rerank", is_default: true).',
  });

/** 404: a model config that does not exist or belongs to someone else. */
export const modelConfigNotFound = (id: string) =>
  new AppError({
    code: 'MODEL_CONFIG_NOT_FOUND',
    category: 'not_found',
    message: `Model config ${id} not found`,
    details: { id },
  });

/** 422: a model config of the wrong kind for the use (an embedding model asked to chat). */
export const modelKindMismatch = (id: string, expected: string, actual: string) =>
  new AppError({
    code: 'MODEL_KIND_MISMATCH',
    category: 'validation',
    message: `Model config ${id} is a ${actual} model; a ${expected} model is needed here`,
    details: { id, expected, actual },
  });

function unwrap(error: unknown): unknown {
  return RetryError.isInstance(error) ? (error.lastError ?? error) : error;
}

function providerMessage(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const nested = parsed.error;
    const message = typeof nested === 'string' ? nested : (nested?.message ?? parsed.message);
    return typeof message === 'string' ? redact(message.slice(0, 300)) : undefined;
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Key-shaped tokens a provider might echo back in its error text (sk-…, long opaque strings). */
const secretShaped = /\b(?:sk|ak|key|token)[-_][A-Za-z0-9_-]{8,}|\b[A-Za-z0-9_-]{32,}\b/g;

function redact(text: string): string {
  return text.replace(secretShaped, '[redacted]');
}

function statusMessage(status: number, model: string): string {
  if (status === 401 || status === 403) return `The provider rejected the API key (HTTP ${status})`;
  if (status === 404) return `The provider does not know model "${model}", or the base URL is wrong (HTTP 404)`;
  if (status === 429) return 'The provider is rate limiting this key or its quota is used up (HTTP 429)';
  if (status >= 500) return `The provider failed (HTTP ${status})`;
  return `The provider refused the request (HTTP ${status})`;
}

/** A one-line, human explanation of why a provider call failed; never contains the API key. */
export function explainProviderError(error: unknown, model: string): string {
  const failure = unwrap(error);
  if (APICallError.isInstance(failure) && failure.statusCode !== undefined) {
    const detail = providerMessage(failure.responseBody);
    return detail ? `${statusMessage(failure.statusCode, model)}: ${detail}` : statusMessage(failure.statusCode, model);
  }
  if (failure instanceof Error && failure.name === 'ModelTimeoutError') return `The provider did not answer in time (${failure.message})`;
  const code = networkCode(failure) ?? networkCode((failure as { cause?: unknown } | undefined)?.cause);
  if (code) return `Could not connect to the provider (${code})`;
  return failure instanceof Error ? failure.message.slice(0, 300) : 'The provider call failed';
}

/** 502 (or 503 when worth retrying later) for a provider call that failed after retries and fallbacks. */
export function providerFailure(error: unknown, model: string): AppError {
  const failure = unwrap(error);
  const status = APICallError.isInstance(failure) ? failure.statusCode : undefined;
  const transient = status === undefined || status === 429 || status >= 500;
  return new AppError({
    code: 'MODEL_PROVIDER_ERROR',
    category: transient ? 'unavailable' : 'upstream',
    message: explainProviderError(failure, model),
    details: { model, ...(status ? { provider_status: status } : {}) },
    retryable: transient,
    cause: failure,
  });
}

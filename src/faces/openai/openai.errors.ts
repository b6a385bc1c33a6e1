import type { FastifyReply } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import { statusByCategory } from '../../platform/http/status.js';

/** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** 401: no key, or a key that is unknown, revoked or expired (one answer for all, so keys leak nothing). */
export const invalidApiKey = (missing: boolean) =>
  new AppError({
    code: 'OPENAI_INVALID_API_KEY',
    category: 'unauthorized',
    message: missing
      ? 'You must provide an API key: Authorization: Bearer <key> (create one with POST /api/v1/api-keys)'
      : 'Incorrect API key provided, or the key was revoked or has expired',
  });

/** 404: not a model (`agent/<id>`) that the key may use. */
export const modelNotFound = (model: string) =>
  new AppError({
    code: 'OPENAI_MODEL_NOT_FOUND',
    category: 'not_found',
    message: `The model '${model}' does not exist or you do not have access to it`,
    details: { param: 'model' },
  });

/** 400: a request the face cannot turn into an agent turn. */
export const invalidRequest = (param: string, message: string) =>
  new AppError({ code: 'OPENAI_INVALID_REQUEST', category: 'bad_request', message, details: { param } });

/** Our codes that OpenAI clients know under their own names. */
const openAiCodes: Record<string, string> = {
  OPENAI_INVALID_API_KEY: 'invalid_api_key',
  OPENAI_MODEL_NOT_FOUND: 'model_not_found',
  OPENAI_INVALID_REQUEST: 'invalid_request',
  VALIDATION_ERROR: 'invalid_request',
};

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** The request field an error is about: ours say `body.messages.0.role`, OpenAI's say `messages.0.role`. */
function paramOf(error: AppError): string | null {
  if (typeof error.details?.param === 'string') return error.details.param;
  const fields = error.details?.fields;
  const first = Array.isArray(fields) ? (fields[0] as { field?: unknown } | undefined)?.field : undefined;
  return typeof first === 'string' ? first.replace(/^body\.?/, '') || null : null;
}

/** The status and OpenAI-shaped body of an error; validation is 400 here, as OpenAI answers it. */
export function toOpenAiError(error: AppError): { status: number; body: OpenAiErrorBody } {
  const status = error.category === 'validation' ? 400 : statusByCategory[error.category];
  const fields = error.details?.fields;
  const detail = Array.isArray(fields) && fields.length > 0 ? `: ${(fields as Array<{ field: string; message: string }>).map((field) => `${field.field} ${field.message}`).join('; ')}` : '';
  return {
    status,
    body: {
      error: {
        message: `${error.message}${detail}`,
        type: errorType(status),
        param: paramOf(error),
        code: openAiCodes[error.code] ?? error.code.toLowerCase(),
      },
    },
  };
}

/** Sends an error in OpenAI's shape. */
export function sendOpenAiError(reply: FastifyReply, error: AppError): FastifyReply {
  const { status, body } = toOpenAiError(error);
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer');
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

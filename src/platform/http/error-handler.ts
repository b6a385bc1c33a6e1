import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, validationError, type FieldError } from '../errors/app-error.js';
import { statusByCategory } from './status.js';

/** Fastify's own parser and routing errors, rewritten into the house codes. */
const fastifyCodes: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new AppError({ code: 'PAYLOAD_TOO_LARGE', category: 'payload_too_large', message: 'Request body is too large' }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new AppError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      category: 'unsupported_media_type',
      message: 'Unsupported Content-Type',
    }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new AppError({ code: 'INVALID_BODY', category: 'bad_request', message: 'Body cannot be empty when Content-Type is application/json' }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new AppError({ code: 'INVALID_BODY', category: 'bad_request', message: 'Content-Length does not match the body' }),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new AppError({ code: 'INVALID_JSON', category: 'bad_request', message: 'Body is not valid JSON' }),
};

function fieldErrors(error: FastifyError): FieldError[] {
  const source = error.validationContext ?? 'request';
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return { field: path ? `${source}.${path}` : source, message: issue.message ?? 'is invalid' };
  });
}

/** Turns anything thrown in a request into an AppError the client may see. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(error) || fastifyError.validation) {
    return validationError(fieldErrors(fastifyError));
  }
  const known = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return known();
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    // The parser's own words ("Unexpected end of JSON input", "forbidden prototype property") help the caller.
    return new AppError({ code: 'INVALID_JSON', category: 'bad_request', message: `Body is not valid JSON: ${error.message}` });
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500 && !isResponseSerializationError(error)) {
    return new AppError({ code: 'BAD_REQUEST', category: 'bad_request', message: fastifyError.message });
  }
  return new AppError({ code: 'INTERNAL_ERROR', category: 'internal', message: 'Internal server error', cause: error });
}

/** Sends an AppError as the uniform `{error, message, details?}` body. */
export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const body: Record<string, unknown> = { error: error.code, message: error.message };
  if (error.details) body.details = error.details;
  return reply.status(statusByCategory[error.category]).type('application/json; charset=utf-8').send(body);
}

function handleError(this: FastifyInstance, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.category === 'internal') {
    request.log.error({ err: appError.cause ?? error }, 'request failed');
  } else {
    request.log.info({ code: appError.code }, appError.message);
  }
  return sendError(reply, appError);
}

/** For fastify's `frameworkErrors` option: errors raised before routing (a malformed URL) get the same shape. */
export function handleFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(error);
  request.log.info({ code: appError.code }, appError.message);
  void sendError(reply, appError);
}

/** Installs the error and not-found handlers that give every failure the same shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AppError({
        code: 'NOT_FOUND',
        category: 'not_found',
        message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
      }),
    ),
  );
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type AppError } from '../../platform/errors/app-error.js';
import { toAppError } from '../../platform/http/error-handler.js';
import { statusByCategory } from '../../platform/http/status.js';

/** One entry of FastAPI's 422 list: `{type, loc, msg, input}`. */
export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
}

/** An error the face answers in the spec's words: `{"detail": ...}` with its own status. */
export class AgentOsError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | ValidationIssue[],
  ) {
    super(typeof detail === 'string' ? detail : 'Request validation failed');
  }
}

/** 422 for a missing form or body field, as FastAPI words it. */
export function missingField(location: 'body' | 'query', name: string): ValidationIssue {
  return { type: 'missing', loc: [location, name], msg: 'Field required', input: null };
}

/** 422 for a form boolean pydantic would not read. */
export function invalidBoolean(name: string, input: string): ValidationIssue {
  return { type: 'bool_parsing', loc: ['body', name], msg: 'Input should be a valid boolean, unable to interpret input', input };
}

export const unprocessable = (issues: ValidationIssue[]) => new AgentOsError(422, issues);
export const notFoundDetail = (detail: string) => new AgentOsError(404, detail);
export const badRequest = (detail: string) => new AgentOsError(400, detail);

/** The platform's validation details (`fields: [{field, message}]`) as FastAPI's list. */
function issuesOf(error: AppError): ValidationIssue[] {
  const fields = (error.details?.fields ?? []) as Array<{ field: string; message: string }>;
  if (fields.length === 0) return [{ type: 'value_error', loc: ['body'], msg: error.message, input: null }];
  return fields.map(({ field, message }) => {
    const [source = 'body', ...path] = field.split('.');
    const location = source === 'querystring' ? 'query' : source === 'params' ? 'path' : source;
    return { type: 'value_error', loc: [location, ...path], msg: message, input: null };
  });
}

/** The platform's authentication refusals in AgentOS' words. */
const authDetails: Record<string, string> = {
  AUTH_REQUIRED: 'Authorization header required',
  AUTH_INVALID_TOKEN: 'Invalid authentication token',
  AUTH_TOKEN_EXPIRED: 'Invalid authentication token',
};

/**
 * The face's error handler: every failure, authentication included (the hook runs in the route's
 * context), becomes `{"detail": ...}`; a 500 says nothing about its cause and is logged.
 */
export function handleAgentOsError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AgentOsError) return reply.status(error.status).send({ detail: error.detail });
  const appError = toAppError(error);
  const status = statusByCategory[appError.category];
  if (appError.category === 'internal') {
    request.log.error({ err: appError.cause ?? error }, 'request failed');
    return reply.status(500).send({ detail: 'Internal server error' });
  }
  request.log.info({ code: appError.code }, appError.message);
  if (appError.category === 'validation') return reply.status(422).send({ detail: issuesOf(appError) });
  const authDetail = authDetails[appError.code];
  if (authDetail) {
    // AgentOS sends no WWW-Authenticate challenge.
    reply.removeHeader('www-authenticate');
    return reply.status(401).send({ detail: authDetail });
  }
  return reply.status(status).send({ detail: appError.message });
}

import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAgentOsPath } from './agentos.paths.js';

/** The origins AgentOS allows when none are configured: Agent UI's default and Agno's control plane. */
export const agnoDefaultOrigins: readonly string[] = [
  'http://localhost:3000',
  'https://agno.com',
  'https://www.agno.com',
  'https://app.agno.com',
  'https://os-stg.agno.com',
  'https://os.agno.com',
];

/**
 * The face's CORS, as AgentOS answers it: credentials allowed, every method, requested headers
 * echoed, preflights cached 600 s and answered 200. `*` is never allowed with credentials.
 */
export function agentOsCorsOptions(extraOrigins: readonly string[]): FastifyCorsOptions {
  const origins = [...new Set([...agnoDefaultOrigins, ...extraOrigins.filter((origin) => origin !== '*')])];
  return {
    origin: origins,
    credentials: true,
    methods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
    exposedHeaders: '*',
    maxAge: 600,
    optionsSuccessStatus: 200,
    strictPreflight: false,
  };
}

/**
 * An onRequest hook that runs before @fastify/cors: a preflight to the face's paths from an origin
 * it does not allow answers 400 `Disallowed CORS origin` in plain text, as AgentOS (Starlette) does,
 * where @fastify/cors would answer it without CORS headers.
 */
export function disallowedPreflightGuard(extraOrigins: readonly string[]) {
  const allowed = new Set(agentOsCorsOptions(extraOrigins).origin as string[]);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method']) return;
    if (allowed.has(origin) || !isAgentOsPath(request.url.split('?')[0] ?? '')) return;
    await reply.code(400).type('text/plain; charset=utf-8').send('Disallowed CORS origin');
  };
}

/**
 * @fastify/cors' per-request delegator: the face's paths get the face's rules, everything else the
 * platform's. Preflights are answered in the hook, before authentication.
 */
export function corsDelegator(platform: FastifyCorsOptions, extraOrigins: readonly string[]) {
  const face = agentOsCorsOptions(extraOrigins);
  return (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void): void => {
    const path = request.url.split('?')[0] ?? '';
    callback(null, isAgentOsPath(path) ? face : platform);
  };
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { TokenRejection, TokenService } from '../crypto/jwt.js';
import { isPublicRoute } from './public-routes.js';

/** Who is calling: the authenticated user behind the request's token. */
export interface Actor {
  userId: string;
  role: 'admin' | 'user';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every non-public route. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /**
     * The route also takes its bearer token as `?token=`: browsers cannot set headers on a
     * WebSocket. An Authorization header, when present, wins.
     */
    tokenInQuery?: boolean;
    /**
     * The route takes only an API key, checked by its face's own onRequest hook (src/faces/openai),
     * so this hook leaves it alone; the route-table test still proves it answers 401 without one.
     */
    apiKeyAuth?: boolean;
    /**
     * The route also takes a bearer credential that is not a platform JWT (the AgentOS face's
     * security key): it answers the actor the credential stands for, or null to check a JWT.
     */
    bearerKey?: (token: string) => Promise<Actor | null>;
  }
}

const rejectionMessages: Record<TokenRejection | 'missing', { code: string; message: string }> = {
  missing: { code: 'AUTH_REQUIRED', message: 'Authorization: Bearer <token> is required' },
  malformed: { code: 'AUTH_INVALID_TOKEN', message: 'Token is malformed' },
  invalid: { code: 'AUTH_INVALID_TOKEN', message: 'Token is invalid' },
  expired: { code: 'AUTH_TOKEN_EXPIRED', message: 'Token has expired; log in again' },
};

function unauthorized(reason: TokenRejection | 'missing'): AppError {
  return new AppError({ category: 'unauthorized', ...rejectionMessages[reason] });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return request.routeOptions.config.tokenInQuery ? queryToken(request) : undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** `?token=` of a route that takes it there (WebSockets: browsers cannot set their headers). */
function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

/** The actor of an authenticated request; a route that is public has none and must not call this. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('missing');
  return request.actor;
}

/**
 * Authenticates every route that is not on the public list, before its body is read.
 * Unknown routes pass through so that they answer 404.
 */
export function installAuthentication(app: FastifyInstance, tokens: TokenService): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === undefined || isPublicRoute(request.method, url) || request.routeOptions.config.apiKeyAuth) return;
    const token = bearerToken(request);
    if (token === undefined) {
      reply.header('WWW-Authenticate', 'Bearer');
      throw unauthorized('missing');
    }
    // A key may also come bare (`Authorization: <key>`), as AgentOS clients may send it.
    const keyCandidate = token || request.headers.authorization?.trim();
    const keyActor = keyCandidate ? await request.routeOptions.config.bearerKey?.(keyCandidate) : null;
    if (keyActor) {
      request.actor = keyActor;
      return;
    }
    const result = await tokens.verify(token);
    if (!result.ok) {
      reply.header('WWW-Authenticate', `Bearer error="invalid_token"`);
      throw unauthorized(result.reason);
    }
    request.actor = { userId: result.claims.sub, role: result.claims.role };
  });
}

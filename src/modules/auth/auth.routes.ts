import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { tooManyLogins } from './auth.errors.js';
import {
  loginBodySchema,
  registerBodySchema,
  tokenResponseSchema,
  userResponseSchema,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  loginRateLimit: { max: number; windowSeconds: number };
}

/** /api/v1/auth: register, login (OAuth2 password form), me. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { auth, loginRateLimit }) => {
  app.post(
    '/register',
    {
      schema: {
        summary: 'Register an account (the first account becomes admin)',
        tags: ['auth'],
        security: [],
        body: registerBodySchema,
        response: { 201: userResponseSchema, ...errorResponses(409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await auth.register(request.body)),
  );

  app.post(
    '/login',
    {
      schema: {
        summary: 'Log in with the OAuth2 password form (username = e-mail)',
        description: 'Content-Type: application/x-www-form-urlencoded (JSON is accepted too). Rate limited per client address.',
        tags: ['auth'],
        security: [],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: loginBodySchema,
        response: { 200: tokenResponseSchema, ...errorResponses(401, 403, 422, 429) },
      },
      config: {
        rateLimit: {
          max: loginRateLimit.max,
          timeWindow: loginRateLimit.windowSeconds * 1000,
          errorResponseBuilder: (_request, context) => tooManyLogins(Math.ceil(context.ttl / 1000)),
        },
      },
    },
    async (request) => auth.login(request.body),
  );

  app.get(
    '/me',
    {
      schema: {
        summary: 'The current user',
        tags: ['auth'],
        response: { 200: userResponseSchema, ...errorResponses(401) },
      },
    },
    async (request) => auth.me(actorOf(request)),
  );
};

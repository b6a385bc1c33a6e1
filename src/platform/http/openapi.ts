import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * Registers the OpenAPI document (built from every route's zod schemas) at /openapi.json and
 * Swagger UI, served from the installed package with no CDN, at /docs.
 */
export async function installOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tiangong API',
        description: 'Tiangong (天工) AI agent platform: the REST API under /api/v1.',
        version,
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          // The OpenAI-compatible face (/v1) takes API keys from /api/v1/api-keys, not sign-in tokens.
          apiKeyAuth: { type: 'http', scheme: 'bearer', description: 'An API key (tg-…) from POST /api/v1/api-keys' },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

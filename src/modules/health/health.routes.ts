import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ToolRegistry } from '../../engine/tools/tool-registry.js';

export interface HealthRoutesOptions {
  version: string;
  tools: ToolRegistry;
}

const healthResponseSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  builtin_tools: z.object({
    count: z.number().int().describe('Built-in tools in the registry'),
    ready: z.boolean().describe('True once the registry finished loading'),
  }),
  instantiated_at: z.string().describe('When this server was built (ISO-8601 UTC); AgentOS clients read it'),
});

/** GET /health: liveness with the version and the built-in tool registry's state. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { version, tools }) => {
  // One answer for both contracts: the platform's fields plus AgentOS' `instantiated_at` (docs/agentos.md).
  const instantiatedAt = new Date().toISOString();
  app.get(
    '/health',
    {
      schema: {
        summary: 'Health check',
        tags: ['system'],
        security: [],
        response: { 200: healthResponseSchema },
      },
    },
    async () => ({
      status: 'ok' as const,
      version,
      builtin_tools: { count: tools.count, ready: tools.ready },
      instantiated_at: instantiatedAt,
    }),
  );
};

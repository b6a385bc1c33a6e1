import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema } from '../../platform/http/schemas.js';
import { streamRunEvents } from './run-stream.js';
import { runEventsQuerySchema, runListQuerySchema, runParamsSchema, runSchema } from './runs.schemas.js';
import type { RunsService } from './runs.service.js';

const tags = ['runs'];

/** The sequence number a client has seen: Last-Event-ID wins over `?after=`; anything unreadable means none. */
function resumeAfter(header: string | string[] | undefined, after: number | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  const parsed = value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : undefined;
  return parsed ?? after ?? 0;
}

/** /api/v1/runs: every execution as a durable run with an event log. */
export const runsRoutes: FastifyPluginAsyncZod<{ service: RunsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        summary: "List the caller's runs, newest first",
        tags,
        querystring: runListQuerySchema,
        response: { 200: pageSchema(runSchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.get(
    '/:run_id',
    {
      schema: {
        summary: 'Get a run: status, output, error, token usage',
        tags,
        params: runParamsSchema,
        response: { 200: runSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.run_id),
  );

  app.get(
    '/:run_id/events',
    {
      schema: {
        summary: "Follow a run's events (SSE)",
        description:
          'Replays the events after Last-Event-ID (or `after`), then streams live ones until the run ends. ' +
          'Each event carries its sequence number as `id`, so a client that loses the stream re-attaches and misses nothing.',
        tags,
        params: runParamsSchema,
        querystring: runEventsQuerySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      const afterSeq = resumeAfter(request.headers['last-event-id'], request.query.after);
      await streamRunEvents({ runs: service, actor: actorOf(request), runId: request.params.run_id, afterSeq, reply });
    },
  );

  app.post(
    '/:run_id/cancel',
    {
      schema: {
        summary: 'Cancel a running run',
        description: 'Stops the model call and the running tool; the run ends as `cancelled` with a closing `error` event.',
        tags,
        params: runParamsSchema,
        response: { 200: runSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request) => service.cancel(actorOf(request), request.params.run_id),
  );
};

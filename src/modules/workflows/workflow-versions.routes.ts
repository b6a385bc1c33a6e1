import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import {
  listVersionsQuerySchema,
  versionDetailSchema,
  versionNumberSchema,
  versionPageSchema,
  workflowResponseSchema,
} from './workflows.schemas.js';
import type { WorkflowsService } from './workflows.service.js';

const params = z.object({ workflow_id: uuidSchema });
const versionParams = params.extend({ version: versionNumberSchema });
const tags = ['workflows'];

/** /api/v1/workflows/{id}/versions: the version history of a workflow, and rollback (register with the /api/v1/workflows prefix). */
export const workflowVersionsRoutes: FastifyPluginAsyncZod<{ service: WorkflowsService }> = async (app, { service }) => {
  app.get(
    '/:workflow_id/versions',
    {
      schema: {
        summary: 'Version history of a workflow, newest first',
        tags,
        params,
        querystring: listVersionsQuerySchema,
        response: { 200: versionPageSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.listVersions(actorOf(request), request.params.workflow_id, request.query),
  );

  app.get(
    '/:workflow_id/versions/:version',
    {
      schema: {
        summary: 'One version of a workflow, with its full definition',
        tags,
        params: versionParams,
        response: { 200: versionDetailSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.getVersion(actorOf(request), request.params.workflow_id, request.params.version),
  );

  app.post(
    '/:workflow_id/versions/:version/rollback',
    {
      schema: {
        summary: 'Roll back to a version: stores it again as a new version',
        description: 'The history is kept: rolling back from v5 to v2 creates v6, equal to v2, noted "rollback to v2".',
        tags,
        params: versionParams,
        response: { 200: workflowResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request) => service.rollback(actorOf(request), request.params.workflow_id, request.params.version),
  );
};

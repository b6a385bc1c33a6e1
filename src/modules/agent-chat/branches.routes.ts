import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema, uuidSchema } from '../../platform/http/schemas.js';
import {
  branchDetailSchema,
  branchSchema,
  createBranchSchema,
  listBranchesQuerySchema,
  resumeBranchSchema,
} from './branches.schemas.js';
import type { BranchesService } from './branches.service.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { chatResponseSchema } from './chat.schemas.js';

const tags = ['agent-chat'];
const params = z.object({ branch_id: uuidSchema });

/** /api/v1/agent-chat/branches: fork a conversation, list, read, delete and continue branches. */
export const branchesRoutes: FastifyPluginAsyncZod<{ service: BranchesService }> = async (app, { service }) => {
  app.post(
    '/branches',
    {
      schema: {
        summary: 'Create a branch: fork a session at a message',
        tags,
        body: createBranchSchema,
        response: { 201: branchSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '/branches',
    {
      schema: {
        summary: 'List branches',
        tags,
        querystring: listBranchesQuerySchema,
        response: { 200: pageSchema(branchSchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.get(
    '/branches/:branch_id',
    {
      schema: {
        summary: 'A branch with its messages',
        tags,
        params,
        response: { 200: branchDetailSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.branch_id),
  );

  app.delete(
    '/branches/:branch_id',
    {
      schema: {
        summary: 'Delete a branch (the session it came from stays)',
        tags,
        params,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.branch_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/branches/:branch_id/resume',
    {
      schema: {
        summary: 'Continue chatting on a branch',
        description: 'A turn with the branch history; the original session is not touched. Streaming: use the chat stream endpoints with session_id = branch id.',
        tags,
        params,
        body: resumeBranchSchema,
        response: { 200: chatResponseSchema, ...errorResponses(401, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) =>
      service.resume(actorOf(request), request.params.branch_id, request.body.message, callerGone(reply)),
  );
};

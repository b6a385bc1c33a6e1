import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { nodeRunResultSchema, runNodeBodySchema } from './workflow-nodes.schemas.js';
import type { WorkflowNodesService } from './workflow-nodes.service.js';

/** /api/v1/nodes: single-node debugging. */
export const workflowNodesRoutes: FastifyPluginAsyncZod<{ service: WorkflowNodesService }> = async (app, { service }) => {
  app.post(
    '/run',
    {
      schema: {
        summary: 'Run one node with given variables, for debugging (nothing is stored)',
        description:
          'The node runs through its real node type and error policy with your models, tools, knowledge bases, ' +
          'sandbox and SSRF-guarded HTTP. A node that ran answers 200 whatever its status: a failure is in status ' +
          'and error. The type and config are checked as workflow validation checks them (422 NODE_TYPE_UNKNOWN, ' +
          'NODE_CONFIG_INVALID); sub_workflow nodes answer 422 NODE_NOT_RUNNABLE_ALONE. A human_approval node ' +
          'answers status "waiting" with its request, or finishes on the branch of the given decision.',
        tags: ['nodes'],
        body: runNodeBodySchema,
        response: { 200: nodeRunResultSchema, ...errorResponses(401, 422) },
      },
    },
    async (request, reply) => service.run(actorOf(request), request.body, callerGone(reply)),
  );
};

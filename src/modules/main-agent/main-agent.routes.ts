import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import { agentResponseSchema } from '../agents/agents.schemas.js';
import { createMainAgentSchema } from './main-agent.schemas.js';
import type { MainAgentService } from './main-agent.service.js';

/** /api/v1/agents/{agent_id}/create-main-agent: promote an agent to a coordinator of sub-agents. */
export const mainAgentRoutes: FastifyPluginAsyncZod<{ service: MainAgentService }> = async (app, { service }) => {
  app.post(
    '/:agent_id/create-main-agent',
    {
      schema: {
        summary: 'Promote an agent to a main agent (a coordinator delegating to sub-agents)',
        description:
          'Stores `coordination` {sub_agent_ids, max_delegation_depth} on the agent (a new version). From then on its ' +
          'turns get one `delegate_to_<name>` tool per sub-agent; delegation deeper than max_delegation_depth is refused ' +
          '(DELEGATION_DEPTH_LIMIT), and so is a task that goes in circles (DELEGATION_LOOP). Calling it again replaces the set-up.',
        tags: ['agents'],
        params: z.object({ agent_id: uuidSchema }),
        body: createMainAgentSchema,
        response: { 200: agentResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) =>
      service.promote(actorOf(request), request.params.agent_id, {
        subAgentIds: request.body.sub_agent_ids,
        maxDelegationDepth: request.body.max_delegation_depth,
      }),
  );
};

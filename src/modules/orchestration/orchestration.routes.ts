import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses } from '../../platform/http/schemas.js';
import type { RunsService } from '../runs/runs.service.js';
import { answerOrchestration, callerOptions, orchestrationStreamDescription } from './orchestration-http.js';
import { orchestrateBodySchema, orchestrateGraphBodySchema, orchestrationResultSchema } from './orchestration.schemas.js';
import type { OrchestrationService } from './orchestration.service.js';

const tags = ['agent-chat'];
const answers = { 200: orchestrationResultSchema, ...errorResponses(401, 404, 409, 422, 502, 503) };

/** /api/v1/agent-chat/orchestrate and /orchestrate/graph: several agents on one message. */
export const orchestrationRoutes: FastifyPluginAsyncZod<{ service: OrchestrationService; runs: RunsService }> = async (app, { service, runs }) => {
  app.post(
    '/orchestrate',
    {
      schema: {
        summary: 'Multi-agent orchestration: route, sequential or debate (streamed by default)',
        description:
          'route: a router model picks one of agent_ids for the message and says why, and that agent answers. ' +
          'sequential: agent_ids in order, each given the previous answer. debate: agent_ids argue for rounds, each seeing ' +
          `the transcript so far, then judge_agent_id gives a verdict with reasons. ${orchestrationStreamDescription}`,
        tags,
        body: orchestrateBodySchema,
        response: answers,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { body } = request;
      const options = callerOptions(reply, body.stream);
      const { message, agent_ids: agentIds } = body;
      const started =
        body.mode === 'route'
          ? await service.route(actor, { message, agentIds, routerPrompt: body.router_prompt, modelConfigId: body.model_config_id }, options)
          : body.mode === 'sequential'
            ? await service.sequential(actor, { message, agentIds }, options)
            : await service.debate(actor, { message, agentIds, judgeAgentId: body.judge_agent_id, rounds: body.rounds }, options);
      return answerOrchestration({ runs, actor, reply, started, stream: body.stream });
    },
  );

  app.post(
    '/orchestrate/graph',
    {
      schema: {
        summary: 'Graph orchestration: a workflow with agents as nodes (streamed by default)',
        description:
          "Runs workflow_config, or agent_id's own workflow_config, with the workflow engine: agent nodes speak as their agent " +
          '(one without agent_id is agent_id itself; one without message gets the previous output), condition and classifier ' +
          'nodes choose the edges. A graph without a start node gets one; without an end node the last nodes give the output. ' +
          `Problems answer 422 ORCHESTRATION_GRAPH_INVALID with every issue. ${orchestrationStreamDescription}`,
        tags,
        body: orchestrateGraphBodySchema,
        response: answers,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { body } = request;
      const started = await service.graph(
        actor,
        { message: body.message, agentId: body.agent_id ?? null, workflowConfig: body.workflow_config, input: body.input },
        callerOptions(reply, body.stream),
      );
      return answerOrchestration({ runs, actor, reply, started, stream: body.stream });
    },
  );
};

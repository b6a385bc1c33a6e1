import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunsService } from '../../modules/runs/runs.service.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { isUuid, type AgentOsAgents } from './agentos.agents.js';
import type { AgentOsRuns } from './agentos.agent-runs.js';
import { AgentOsError, badRequest, notFoundDetail } from './agentos.errors.js';
import { readRunForm, runInput } from './agentos.form.js';
import { toAgentResponse } from './agentos.views.js';

/** What the agent routes use. */
export interface AgentOsAgentRoutesOptions {
  agents: AgentOsAgents;
  agentRuns: AgentOsRuns;
  runs: RunsService;
}

const tags = ['agentos'];
const agentParams = z.object({ agent_id: z.string() });
const runParams = z.object({ agent_id: z.string(), run_id: z.string() });
export const formDescription =
  'Form data (multipart or urlencoded), not JSON: message (required), stream (default true), session_id ("" = new session).';

/** `/agents`: our agents, and runs of them through the chat runner. */
export const agentOsAgentRoutes: FastifyPluginAsyncZod<AgentOsAgentRoutesOptions> = async (app, { agents, agentRuns, runs }) => {
  app.get('/agents', { schema: { summary: 'AgentOS: list agents', tags } }, async (request) => {
    const actor = actorOf(request);
    const list = await agents.list(actor);
    return Promise.all(list.map(async (agent) => toAgentResponse(agent, await agents.model(actor, agent.definition))));
  });

  app.get('/agents/:agent_id', { schema: { summary: 'AgentOS: get an agent', tags, params: agentParams } }, async (request) => {
    const actor = actorOf(request);
    const agent = await agents.find(actor, request.params.agent_id);
    return toAgentResponse(agent, await agents.model(actor, agent.definition));
  });

  app.post(
    '/agents/:agent_id/runs',
    { schema: { summary: 'AgentOS: run an agent (SSE by default)', description: formDescription, tags, params: agentParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      const input = runInput(await readRunForm(request));
      const agent = await agents.find(actor, request.params.agent_id);
      const run = { actor, agent, model: await agents.model(actor, agent.definition), message: input.message, sessionId: input.sessionId };
      if (input.stream) return agentRuns.stream(run, reply);
      return agentRuns.reply(run, reply);
    },
  );

  app.post(
    '/agents/:agent_id/runs/:run_id/cancel',
    { schema: { summary: 'AgentOS: cancel an agent run', description: 'Always {} for an existing agent, as AgentOS answers.', tags, params: runParams } },
    async (request) => {
      const actor = actorOf(request);
      await agents.find(actor, request.params.agent_id);
      const runId = request.params.run_id;
      // AgentOS stores the intent and answers success whatever the run's state; a run that is not the caller's is untouched.
      if (isUuid(runId)) await runs.cancel(actor, runId).catch(() => undefined);
      return {};
    },
  );

  app.post(
    '/agents/:agent_id/runs/:run_id/continue',
    {
      schema: {
        summary: 'AgentOS: continue a paused agent run',
        description: 'Tiangong chat runs never pause for tools or approval, so an existing run answers 409 (not continuable).',
        tags,
        params: runParams,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const form = await readRunForm(request);
      await agents.find(actor, request.params.agent_id);
      const tools = form.fields.tools;
      if (tools) {
        try {
          JSON.parse(tools);
        } catch {
          throw badRequest('Invalid JSON in tools field');
        }
      }
      const sessionId = form.fields.session_id?.trim();
      if (!sessionId) throw badRequest('session_id is required for this action');
      const runId = request.params.run_id;
      const run = isUuid(runId) ? await runs.get(actor, runId).catch(() => null) : null;
      if (!run || run.session_id !== sessionId || run.agent_id !== request.params.agent_id) throw notFoundDetail('Run not found');
      throw new AgentOsError(409, `Run ${runId} is not paused: only paused runs can be continued`);
    },
  );
};

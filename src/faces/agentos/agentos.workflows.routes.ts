import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { WorkflowExecutionsService } from '../../modules/workflow-executions/workflow-executions.service.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { isUuid } from './agentos.agents.js';
import { AgentOsError } from './agentos.errors.js';
import { epochSeconds, runMetrics } from './agentos.events.js';
import { readRunForm, runInput, workflowInputOf } from './agentos.form.js';
import { relayRun } from './agentos.relay.js';
import { runStatus } from './agentos.views.js';
import { WorkflowEventTranslator, workflowContent } from './agentos.workflow-events.js';
import { toWorkflowResponse, toWorkflowSummary, type AgentOsWorkflows } from './agentos.workflows.js';

/** What the workflow routes use. */
export interface AgentOsWorkflowRoutesOptions {
  workflows: AgentOsWorkflows;
  executions: WorkflowExecutionsService;
  runs: RunsService;
}

const tags = ['agentos'];
const workflowParams = z.object({ workflow_id: z.string() });
const runParams = z.object({ workflow_id: z.string(), run_id: z.string() });

/** `/workflows`: our workflows, executed as durable workflow executions. */
export const agentOsWorkflowRoutes: FastifyPluginAsyncZod<AgentOsWorkflowRoutesOptions> = async (app, { workflows, executions, runs }) => {
  app.get('/workflows', { schema: { summary: 'AgentOS: list workflows', tags } }, async (request) => (await workflows.list(actorOf(request))).map(toWorkflowSummary));

  app.get('/workflows/:workflow_id', { schema: { summary: 'AgentOS: get a workflow', tags, params: workflowParams } }, async (request) =>
    toWorkflowResponse(await workflows.find(actorOf(request), request.params.workflow_id)),
  );

  app.post(
    '/workflows/:workflow_id/runs',
    {
      schema: {
        summary: 'AgentOS: run a workflow (SSE by default)',
        description:
          'Form data: message (required) becomes the input `message`; other fields (not stream, background, session_id, user_id, version, factory_input) are inputs too. stream defaults to true. The session_id of a run is its run id.',
        tags,
        params: workflowParams,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const form = await readRunForm(request);
      const input = runInput(form);
      const workflow = await workflows.find(actor, request.params.workflow_id);
      const start = { input: workflowInputOf(form), trigger: 'api' as const };
      if (input.stream) {
        const started = await executions.start(actor, workflow.id, start);
        const translator = new WorkflowEventTranslator({ workflowId: workflow.id, workflowName: workflow.name, runId: started.id, sessionId: started.id });
        return relayRun({ runs, actor, runId: started.id, reply, first: translator.started(), translate: (event) => translator.translate(event) });
      }
      const createdAt = epochSeconds();
      const started = await executions.start(actor, workflow.id, { ...start });
      const abort = callerGone(reply);
      abort.addEventListener('abort', () => void runs.cancel(actor, started.id).catch(() => undefined), { once: true });
      const settled = await started.settled;
      if (settled.error) throw new AgentOsError(500, `Error running workflow: ${settled.error.message}`);
      const run = await runs.get(actor, started.id);
      return {
        run_id: started.id,
        workflow_id: workflow.id,
        workflow_name: workflow.name,
        session_id: started.id,
        input: { message: input.message },
        ...workflowContent(settled.output),
        metrics: runMetrics(run.token_usage),
        step_results: [],
        created_at: createdAt,
        status: runStatus(settled.status),
      };
    },
  );

  app.post(
    '/workflows/:workflow_id/runs/:run_id/cancel',
    { schema: { summary: 'AgentOS: cancel a workflow run', description: 'Always {} for an existing workflow, as AgentOS answers.', tags, params: runParams } },
    async (request) => {
      const actor = actorOf(request);
      await workflows.find(actor, request.params.workflow_id);
      if (isUuid(request.params.run_id)) await executions.cancel(actor, request.params.run_id).catch(() => undefined);
      return {};
    },
  );
};

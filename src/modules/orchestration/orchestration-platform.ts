import { NoObjectGeneratedError } from 'ai';
import type { RouterModel } from '../../engine/orchestration/route.js';
import { NodeError } from '../../engine/workflow/run-node.js';
import type { WorkflowServices } from '../../engine/workflow/workflow-services.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { tokenUsage } from '../../platform/llm/llm-call.js';
import { workflowServices, type WorkflowPlatform } from '../workflow-executions/workflow-services.adapter.js';
import type { OrchestrationContext } from './orchestration-runner.js';

/** Where the platform is reached from inside an orchestration run: as its owner, under its run. */
interface RunScope {
  actor: Actor;
  context: OrchestrationContext;
}

function scopedServices(platform: WorkflowPlatform, { actor, context }: RunScope): WorkflowServices {
  return workflowServices(platform, {
    actor,
    runId: context.runId,
    // planAgentGraph refuses sub_workflow nodes; a loop body holding one ends here.
    runWorkflow: async () => {
      throw new NodeError('an agent graph cannot start workflows', 'ORCHESTRATION_SUB_WORKFLOW_UNSUPPORTED');
    },
  });
}

/**
 * The workflow services of an agent graph's nodes (agent nodes speak through the orchestration
 * instead): every call acts as the run's owner, and model calls count in the run's usage.
 */
export function graphServices(platform: WorkflowPlatform, scope: RunScope): Omit<WorkflowServices, 'askAgent'> {
  const { askAgent: _spokenThroughTheRun, ...services } = scopedServices(platform, scope);
  return {
    ...services,
    async generate(options) {
      const answer = await services.generate(options);
      scope.context.addUsage(answer.usage);
      return answer;
    },
  };
}

/**
 * The router of route mode: the platform's structured-output model call (the one llm and
 * classifier nodes use) with `modelConfigId` or the owner's default model. An answer that is not
 * JSON comes back as text, so the mode can say what the router answered.
 */
export function routerModel(platform: WorkflowPlatform, scope: RunScope & { modelConfigId?: string | undefined }): RouterModel {
  const { generate } = scopedServices(platform, scope);
  return async ({ system, prompt, schema, signal }) => {
    try {
      const answer = await generate({ modelConfigId: scope.modelConfigId, system, prompt, schema, signal });
      scope.context.addUsage(answer.usage);
      return { text: answer.text, object: answer.object };
    } catch (error) {
      if (!NoObjectGeneratedError.isInstance(error)) throw error;
      if (error.usage) scope.context.addUsage(tokenUsage(error.usage.inputTokens, error.usage.outputTokens));
      return { text: error.text ?? '' };
    }
  };
}

import { z } from 'zod';
import { asToolError, defineTool } from '../../engine/tools/tool.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { WorkflowExecutionsService } from './workflow-executions.service.js';

/**
 * `run_workflow`: an agent (or a workflow's tool node) runs one of the user's workflows to its end
 * and gets its output. The execution is a child run of the calling run, so it is in the call chain
 * and within the sub-workflow nesting limit; stopping the caller cancels it.
 */
export function runWorkflowTool(deps: { executions: WorkflowExecutionsService }): RegisteredTool {
  return defineTool({
    name: 'run_workflow',
    category: 'platform',
    description:
      "Runs one of the user's workflows with the given input and returns its output (and the execution id). " +
      'The input fields are what the workflow\'s start node asks for. A workflow that waits for an approval or fails is an error.',
    inputSchema: z.object({
      workflow_id: z.uuid().describe('The id of the workflow to run'),
      input: z.record(z.string(), z.unknown()).default({}).describe("The workflow's input (its start node's fields)"),
    }),
    async execute(input, context) {
      const actor = { userId: context.userId, role: 'user' as const };
      try {
        const result = await deps.executions.runToEnd(actor, {
          workflowId: input.workflow_id,
          input: input.input,
          signal: context.signal,
          parentRunId: context.runId,
        });
        return { workflow_id: input.workflow_id, execution_id: result.executionId, output: result.output };
      } catch (error) {
        if (isAppError(error)) throw asToolError(error, 'WORKFLOW_RUN_FAILED');
        throw error;
      }
    },
  });
}

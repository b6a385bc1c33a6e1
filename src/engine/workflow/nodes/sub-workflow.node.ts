import { z } from 'zod';
import type { NodeType } from '../node-type.js';

const subWorkflowConfigSchema = z
  .object({
    workflow_id: z.uuid().describe('One of the owner\'s workflows, run to its end'),
    input: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('The sub-workflow\'s start input; {{references}} are resolved first'),
  })
  .strict();

/** The config of a sub-workflow node. */
export type SubWorkflowConfig = z.infer<typeof subWorkflowConfigSchema>;

/**
 * Runs another of the owner's workflows through the services port and outputs its output, with
 * its token usage counted here. A sub-workflow that fails fails this node with its error.
 */
export const subWorkflowNode: NodeType<SubWorkflowConfig> = {
  type: 'sub_workflow',
  description: 'Runs another workflow with an input and outputs its output',
  configSchema: subWorkflowConfigSchema,
  async run({ config, services, signal }) {
    const result = await services.runWorkflow({ workflowId: config.workflow_id, input: config.input, signal });
    return { kind: 'done', output: result.output, usage: result.usage };
  },
};

import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { MAX_MODEL_TEXT_LENGTH } from './llm.node.js';

const agentConfigSchema = z
  .object({
    agent_id: z.uuid().describe("One of the workflow owner's agents"),
    message: z.string().min(1).max(MAX_MODEL_TEXT_LENGTH).describe('What the agent is asked (template, resolved)'),
  })
  .strict();

/** The config of an `agent` node. */
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** `agent`: asks one of the owner's agents (a run of its own). Output `{ content, session_id, run_id }`. */
export const agentNode: NodeType<AgentConfig> = {
  type: 'agent',
  description: "Asks one of the owner's agents a message and returns its answer",
  configSchema: agentConfigSchema,
  async run({ node, config, services, signal }) {
    const answer = await services.askAgent({ agentId: config.agent_id, message: config.message, signal, nodeId: node.id });
    return {
      kind: 'done',
      output: { content: answer.content, session_id: answer.sessionId, run_id: answer.runId },
      usage: answer.usage,
    };
  },
};

import { z } from 'zod';
import { asToolError, defineTool, ToolError } from '../../engine/tools/tool.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { AgentsService } from '../agents/agents.service.js';
import type { RunsService } from '../runs/runs.service.js';
import { agentTurn } from './agent-turn.js';
import type { ChatRunner } from './chat-runner.js';

/** How deep agents may call agents: a top-level turn, then at most this many nested calls. */
export const defaultCallDepthLimit = 3;

/**
 * `call_agent`: one agent asks another of the user's agents and gets its answer. The nested turn is
 * a run of its own whose parent is the calling run; calling oneself, or going deeper than the
 * limit, is refused so agents cannot call each other in circles forever.
 */
export function callAgentTool(deps: { agents: AgentsService; runner: ChatRunner; runs: RunsService; depthLimit?: number }): RegisteredTool {
  const limit = deps.depthLimit ?? defaultCallDepthLimit;
  return defineTool({
    name: 'call_agent',
    category: 'platform',
    description:
      "Asks another of the user's agents a question and returns its answer (agent_name, content, session_id). " +
      'Use it to delegate a sub-task to an agent specialised in it. Pass session_id from an earlier answer to ' +
      'continue the same conversation with that agent.',
    inputSchema: z.object({
      agent_id: z.uuid().describe('The id of the agent to ask'),
      message: z.string().min(1).max(32_000).describe('The question or task for that agent'),
      session_id: z.uuid().optional().describe('Continue an earlier conversation with that agent'),
    }),
    async execute(input, context) {
      if (context.agentId === input.agent_id) throw new ToolError('an agent cannot call itself', 'AGENT_CALL_SELF');
      const depth = context.runId ? (await deps.runs.depthOf(context.runId)) + 1 : 1;
      if (depth > limit) {
        throw new ToolError(`agents may call agents at most ${limit} deep; answer with what you have`, 'AGENT_CALL_DEPTH_LIMIT');
      }
      const actor = { userId: context.userId, role: 'user' as const };
      try {
        const agent = await deps.agents.forChat(actor, input.agent_id);
        const answer = await deps.runner.reply(actor, agentTurn(agent, { message: input.message, session_id: input.session_id }), {
          signal: context.signal,
          parentRunId: context.runId,
        });
        return { agent_id: agent.id, agent_name: agent.definition.name, content: answer.content, session_id: answer.session_id, run_id: answer.run_id };
      } catch (error) {
        if (isAppError(error)) throw asToolError(error, 'AGENT_CALL_FAILED');
        throw error;
      }
    },
  });
}

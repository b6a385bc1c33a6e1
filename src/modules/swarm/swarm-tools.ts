import { tool, type ToolSet } from 'ai';
import { z } from 'zod';
import { BlackboardRefusal, type Blackboard } from '../../engine/orchestration/swarm-blackboard.js';
import type { SwarmMember, SwarmState } from '../../engine/orchestration/swarm.js';
import { ToolError } from '../../engine/tools/tool.js';

/** The names of the tools every swarm member gets. */
export const swarmToolNames = { handoff: 'handoff', read: 'blackboard_read', write: 'blackboard_write' } as const;

const keySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - (at most 100)')
  .describe('The entry of the blackboard');

/**
 * The tools of one member's turn: `handoff` (one tool whose `agent` names the target, so the list of
 * tools stays short whatever the swarm's size, and a wrong name gets an error listing the right
 * ones) and the shared blackboard. `onWrite` hears every write (the run's `blackboard` event).
 */
export function swarmTools(options: {
  state: SwarmState;
  blackboard: Blackboard;
  members: readonly SwarmMember[];
  onWrite: (key: string, value: unknown) => void;
}): ToolSet {
  const { state, blackboard } = options;
  const others = options.members.filter((member) => member.id !== state.current.id).map((member) => member.key);
  return {
    [swarmToolNames.handoff]: tool({
      description:
        'Transfers control of this request to another agent of the swarm, with the reason and the context it needs ' +
        '(what you found, what is left to do). Your turn ends: after this call, write one short line and stop. ' +
        `Agents you can hand off to: ${others.join(', ')}.`,
      inputSchema: z.object({
        agent: z.string().min(1).max(100).describe(`The key of the agent to hand off to: one of ${others.join(', ')}`),
        reason: z.string().min(1).max(2000).describe('Why that agent should continue'),
        context: z.string().max(16_000).default('').describe('What the next agent needs to know to continue'),
      }),
      execute: async (input) => {
        const decision = state.requestHandoff({ target: input.agent, reason: input.reason, context: input.context });
        if (!decision.accepted) throw new ToolError(`${decision.code}: ${decision.message}`, decision.code);
        return {
          transferred: true,
          to: decision.to.key,
          message: `Control passes to ${decision.to.name} when your turn ends. Do not answer the request yourself; end your turn with one short line.`,
        };
      },
    }),
    [swarmToolNames.read]: tool({
      description: "Reads the swarm's shared blackboard: one entry by key, or the whole board without a key.",
      inputSchema: z.object({ key: keySchema.optional() }),
      execute: async (input) => (input.key === undefined ? { blackboard: blackboard.read() } : { key: input.key, value: blackboard.read(input.key) ?? null }),
    }),
    [swarmToolNames.write]: tool({
      description: 'Writes an entry of the shared blackboard (any JSON value) so the other agents of the swarm can read it.',
      inputSchema: z.object({ key: keySchema, value: z.unknown().describe('Any JSON value') }),
      execute: async (input) => {
        try {
          blackboard.write(input.key, input.value ?? null);
        } catch (error) {
          if (error instanceof BlackboardRefusal) throw new ToolError(error.message, 'SWARM_BLACKBOARD_REFUSED');
          throw error;
        }
        options.onWrite(input.key, blackboard.read(input.key));
        return { written: input.key };
      },
    }),
  };
}

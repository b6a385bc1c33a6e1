import { z } from 'zod';
import { defaultBlackboardLimits } from '../../engine/orchestration/swarm-blackboard.js';
import { uuidSchema } from '../../platform/http/schemas.js';
import { tokenUsageSchema } from '../agent-chat/chat.schemas.js';

/** Bounds of a swarm: how many agents, how many hand-offs (the service checks them again for direct callers). */
export const swarmLimits = { minAgents: 2, maxAgents: 10, maxHandoffs: 20 } as const;

const blackboardSchema = z
  .record(z.string().min(1).max(100), z.unknown())
  .refine((board) => Object.keys(board).length <= defaultBlackboardLimits.maxKeys, {
    message: `at most ${defaultBlackboardLimits.maxKeys} keys`,
  })
  .refine((board) => JSON.stringify(board).length <= defaultBlackboardLimits.maxChars, {
    message: `at most ${defaultBlackboardLimits.maxChars} characters of JSON`,
  })
  .describe('The shared blackboard the swarm starts with: a plain JSON object every agent reads and writes');

/** POST /swarm/run and /swarm/run/stream body. */
export const swarmRunBodySchema = z
  .object({
    message: z.string().min(1).max(32_000).describe("The user's request"),
    agent_ids: z
      .array(uuidSchema)
      .min(swarmLimits.minAgents)
      .max(swarmLimits.maxAgents)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'each agent once' })
      .describe(
        `The agents of the swarm (${swarmLimits.minAgents} to ${swarmLimits.maxAgents} of yours); the first is the entry agent unless entry_agent_id says otherwise`,
      ),
    entry_agent_id: uuidSchema.optional().describe('The agent that speaks first (one of agent_ids)'),
    max_handoffs: z.number().int().min(1).max(swarmLimits.maxHandoffs).default(5).describe('Most hand-offs; a hand-off past it stops the swarm (stopped: handoff_limit)'),
    blackboard: blackboardSchema.default({}),
    sessions: z
      .record(uuidSchema, uuidSchema)
      .optional()
      .describe("Each agent's chat session to continue (agent_id -> session_id), as an earlier run's output gave them"),
  })
  .strict()
  .refine((body) => !body.entry_agent_id || body.agent_ids.includes(body.entry_agent_id), {
    message: 'entry_agent_id must be one of agent_ids',
    path: ['entry_agent_id'],
  })
  .refine((body) => Object.keys(body.sessions ?? {}).every((id) => body.agent_ids.includes(id)), {
    message: 'sessions may name only agents of agent_ids',
    path: ['sessions'],
  });

const handoffSchema = z.object({
  from_agent_id: z.uuid(),
  from_agent_name: z.string(),
  to_agent_id: z.uuid(),
  to_agent_name: z.string(),
  reason: z.string(),
  context: z.string(),
});

const turnSchema = z.object({
  agent_id: z.uuid(),
  agent_name: z.string(),
  content: z.string(),
  run_id: z.uuid().describe("The agent's turn: a child run of the swarm's run"),
});

/** What a swarm run answers (and its `done` event carries). */
export const swarmResultSchema = z
  .object({
    mode: z.literal('swarm'),
    run_id: z.uuid(),
    result: z.string().describe('The answer of the agent that ended the swarm'),
    stopped: z.enum(['answered', 'handoff_limit']).describe('answered: an agent answered without handing off; handoff_limit: one asked for a hand-off past max_handoffs'),
    final_agent_id: z.uuid(),
    final_agent_name: z.string(),
    handoffs: z.array(handoffSchema),
    turns: z.array(turnSchema).describe('Every turn in order'),
    blackboard: z.record(z.string(), z.unknown()).describe('The blackboard as the swarm left it'),
    sessions: z.record(z.string(), z.uuid()).describe('agent_id -> session_id: pass it back to continue'),
    token_usage: tokenUsageSchema,
  })
  .describe('SwarmResult');

export type SwarmRunBody = z.output<typeof swarmRunBodySchema>;
export type SwarmResult = z.output<typeof swarmResultSchema>;

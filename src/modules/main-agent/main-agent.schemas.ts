import { z } from 'zod';
import { uuidSchema } from '../../platform/http/schemas.js';

/** Bounds of a main agent: how many sub-agents, how deep delegation may go below it. */
export const mainAgentLimits = { maxSubAgents: 10, minDepth: 1, maxDepth: 5, defaultDepth: 3 } as const;

/** POST /agents/{agent_id}/create-main-agent body. */
export const createMainAgentSchema = z
  .object({
    sub_agent_ids: z
      .array(uuidSchema)
      .min(1)
      .max(mainAgentLimits.maxSubAgents)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'each sub-agent once' })
      .describe('Your agents it may delegate to (1 to 10, not the agent itself); each becomes a delegate_to_<name> tool'),
    max_delegation_depth: z
      .number()
      .int()
      .min(mainAgentLimits.minDepth)
      .max(mainAgentLimits.maxDepth)
      .default(mainAgentLimits.defaultDepth)
      .describe('How many levels of delegation may go below it (1: its sub-agents may not delegate further)'),
  })
  .strict();

export type CreateMainAgentInput = z.output<typeof createMainAgentSchema>;

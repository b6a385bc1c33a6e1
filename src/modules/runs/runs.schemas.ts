import { z } from 'zod';
import { paginationQuerySchema, uuidSchema } from '../../platform/http/schemas.js';

const runStatusSchema = z
  .enum(['pending', 'running', 'paused', 'waiting_approval', 'succeeded', 'failed', 'cancelled'])
  .describe('pending -> running -> succeeded | failed | cancelled (workflows may also pause or wait for approval)');

const runKindSchema = z.enum(['chat', 'agent_execute', 'rag', 'workflow', 'orchestration', 'swarm']).describe('What started the run');

export const runParamsSchema = z.object({ run_id: uuidSchema });

export const runListQuerySchema = paginationQuerySchema.extend({
  kind: runKindSchema.optional(),
  status: runStatusSchema.optional(),
  agent_id: uuidSchema.optional(),
  session_id: uuidSchema.optional(),
});

/** Filters and page of the run list. */
export type RunListQuery = z.infer<typeof runListQuerySchema>;

export const runEventsQuerySchema = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Replay events after this sequence number; the Last-Event-ID header does the same and wins'),
});

const usageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const runSchema = z
  .object({
    id: z.uuid(),
    kind: runKindSchema,
    status: runStatusSchema,
    agent_id: z.uuid().nullable(),
    session_id: z.uuid().nullable(),
    parent_run_id: z.uuid().nullable().describe('The run that started this one (an agent calling another agent)'),
    input: z.record(z.string(), z.unknown()),
    output: z.record(z.string(), z.unknown()).nullable(),
    error: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe('Why it failed or was cancelled; RUN_INTERRUPTED when its process stopped'),
    token_usage: usageSchema.nullable().describe('Summed over every model call of the run'),
    last_event_id: z.number().int().describe('Sequence number of the last event so far'),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .describe('Run');

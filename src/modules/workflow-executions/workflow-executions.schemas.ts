import { z } from 'zod';

export const executeBodySchema = z
  .object({
    input: z.record(z.string(), z.unknown()).default({}).describe("The start node's input fields"),
    mode: z
      .enum(['sync', 'async', 'stream'])
      .default('sync')
      .describe('sync: wait for the end (up to timeout_ms); async: answer at once with the id; stream: SSE of node events'),
    timeout_ms: z.number().int().min(100).max(600_000).default(60_000).describe('sync only: how long to wait before answering 202'),
  })
  .strict();

export const createExecutionBodySchema = executeBodySchema.extend({ workflow_id: z.uuid() }).strict();

export const resumeBodySchema = z
  .object({
    decision: z.string().min(1).max(100).optional().describe('For an execution waiting on an approval: the chosen option'),
    comment: z.string().max(2000).optional(),
    decided_by: z.string().max(200).optional(),
  })
  .strict();

const stepSchema = z.object({
  node_id: z.string(),
  node_type: z.string(),
  status: z.string().describe('succeeded, failed, skipped or waiting'),
  input: z.unknown(),
  output: z.record(z.string(), z.unknown()).nullable(),
  branch: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  attempts: z.number().int(),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
  token_usage: z.unknown(),
});

export const executionResponseSchema = z.object({
  id: z.uuid().describe('The execution id, which is also its run id (GET /runs/{id}/events)'),
  workflow_id: z.uuid(),
  workflow_version: z.number().int(),
  trigger: z.string(),
  status: z.string().describe('pending (queued), running, succeeded, failed, cancelled, paused or waiting_approval'),
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  waiting: z.object({ node_id: z.string(), request: z.record(z.string(), z.unknown()) }).nullable(),
  token_usage: z.unknown(),
  parent_run_id: z.uuid().nullable(),
  steps: z.array(stepSchema),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});

export type ExecuteBody = z.infer<typeof executeBodySchema>;

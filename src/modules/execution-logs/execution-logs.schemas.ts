import { z } from 'zod';
import { workflowNodeSchema } from '../../engine/workflow/definition.js';
import type { RunKind, RunStatus } from '../../platform/db/schema/index.js';
import { paginationQuerySchema, uuidSchema } from '../../platform/http/schemas.js';

const runKinds = ['chat', 'agent_execute', 'rag', 'workflow', 'orchestration', 'swarm'] as const satisfies readonly RunKind[];
const runStatuses = ['pending', 'running', 'paused', 'waiting_approval', 'succeeded', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];

const instant = z.iso.datetime({ offset: true });

/** `from`/`to` of a time range on `created_at`; a range that ends before it starts is refused. */
const rangeFields = {
  from: instant.optional().describe('Only executions created at or after this instant (ISO-8601)'),
  to: instant.optional().describe('Only executions created at or before this instant (ISO-8601)'),
};
const isOrderedRange = (query: { from?: string | undefined; to?: string | undefined }) =>
  !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to);
const rangeOrder = { message: '`to` must not be before `from`', path: ['to'] };

const filterFields = {
  kind: z.enum(runKinds).optional().describe('What started the run'),
  workflow_id: uuidSchema.optional().describe('Only executions of this workflow'),
  agent_id: uuidSchema.optional().describe('Only runs of this agent'),
};

export const executionParamsSchema = z.object({ execution_id: uuidSchema.describe('A run id: a workflow execution, an agent or chat run ...') });

export const nodeParamsSchema = executionParamsSchema.extend({ node_id: workflowNodeSchema.shape.id });

export const executionSearchQuerySchema = paginationQuerySchema
  .extend({
    ...filterFields,
    ...rangeFields,
    status: z.enum(runStatuses).optional(),
    node_type: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, 'a node type such as llm or sub_workflow')
      .optional()
      .describe('Only executions with a step of this node type'),
    q: z.string().trim().min(1).max(200).optional().describe('Text in the error code or message, a node id, or a node error'),
    root_only: z.stringbool().default(false).describe('true: only top-level runs (no parent run); also 1/0, yes/no'),
  })
  .refine(isOrderedRange, rangeOrder);

export const statsQuerySchema = z.object({ ...filterFields, ...rangeFields }).refine(isOrderedRange, rangeOrder);

export const logLevelSchema = z.enum(['info', 'warn', 'error']);

export const executionLogQuerySchema = z.object({
  level: logLevelSchema.default('info').describe('The lowest level of the log lines shown'),
});

export const performanceQuerySchema = z.object({
  top: z.coerce.number().int().min(1).max(50).default(5).describe('How many of the slowest nodes to list'),
});

export const callChainQuerySchema = z.object({
  max_depth: z.coerce.number().int().min(0).max(20).default(10).describe('How many levels of nested runs to follow'),
});

export const modelCallsQuerySchema = paginationQuerySchema.extend({
  status: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
  model: z.string().min(1).max(200).optional().describe('Only calls of this model name'),
  run_id: uuidSchema.optional().describe('Only calls of this run of the chain'),
});

export const toolCallsQuerySchema = paginationQuerySchema.extend({
  status: z.enum(['succeeded', 'failed']).optional(),
  tool_name: z.string().min(1).max(100).optional(),
  run_id: uuidSchema.optional().describe('Only calls of this run of the chain'),
});

export type ExecutionSearchQuery = z.infer<typeof executionSearchQuerySchema>;
export type StatsQuery = z.infer<typeof statsQuerySchema>;
export type LogLevel = z.infer<typeof logLevelSchema>;
export type ModelCallsQuery = z.infer<typeof modelCallsQuerySchema>;
export type ToolCallsQuery = z.infer<typeof toolCallsQuerySchema>;

export const tokenUsageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const errorSchema = z.object({ code: z.string(), message: z.string() });

export const executionSummarySchema = z
  .object({
    id: z.uuid().describe('The run id (for a workflow: the execution id)'),
    kind: z.string(),
    status: z.string(),
    workflow_id: z.uuid().nullable(),
    workflow_version: z.number().int().nullable(),
    trigger: z.string().nullable(),
    agent_id: z.uuid().nullable(),
    parent_run_id: z.uuid().nullable().describe('The run that started this one'),
    error: errorSchema.nullable(),
    token_usage: tokenUsageSchema.nullable(),
    node_count: z.number().int().describe('Steps recorded (workflow executions)'),
    failed_node_count: z.number().int(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().int().nullable().describe('From start to end; null until it ends'),
  })
  .describe('ExecutionSummary');

export const logLineSchema = z.object({
  seq: z.number().int().describe('The event sequence number (the SSE id)'),
  at: z.string(),
  level: logLevelSchema,
  event: z.string(),
  node_id: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const nodeSummarySchema = z.object({
  node_id: z.string(),
  node_type: z.string(),
  status: z.string().describe('succeeded, failed, skipped, waiting; running (started, no step yet); unfinished (started in a run that ended)'),
  attempts: z.number().int(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  error: errorSchema.nullable(),
  token_usage: tokenUsageSchema.nullable(),
});

export const executionLogSchema = executionSummarySchema
  .extend({
    input: z.record(z.string(), z.unknown()),
    output: z.record(z.string(), z.unknown()).nullable(),
    child_run_count: z.number().int().describe('Runs this one started directly (agents, sub-workflows)'),
    nodes: z.array(nodeSummarySchema).describe('Every node that ran, in start order'),
    lines: z.array(logLineSchema).describe('The event log (token deltas left out), oldest first'),
    lines_truncated: z.boolean(),
  })
  .describe('ExecutionLog');

export const modelCallSchema = z.object({
  id: z.uuid(),
  run_id: z.uuid(),
  node_id: z.string().nullable().describe('The node of run_id that made the call, when it can be told'),
  depth: z.number().int().describe('0: the execution itself; 1: a run it started ...'),
  provider: z.string(),
  model: z.string(),
  operation: z.string(),
  status: z.string(),
  attempt: z.number().int(),
  is_fallback: z.boolean(),
  prompt_tokens: z.number().int().nullable(),
  completion_tokens: z.number().int().nullable(),
  total_tokens: z.number().int().nullable(),
  latency_ms: z.number().int(),
  time_to_first_token_ms: z.number().int().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
});

export const toolCallSchema = z.object({
  id: z.uuid(),
  run_id: z.uuid(),
  node_id: z.string().nullable().describe('The node of run_id that made the call, when it can be told'),
  depth: z.number().int(),
  tool_name: z.string(),
  custom_tool_id: z.uuid().nullable(),
  agent_id: z.uuid().nullable(),
  status: z.string(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
  created_at: z.string(),
});

export const childRunSchema = z.object({
  run_id: z.uuid(),
  kind: z.string(),
  status: z.string(),
  agent_id: z.uuid().nullable(),
  workflow_id: z.uuid().nullable(),
  duration_ms: z.number().int().nullable(),
  error: errorSchema.nullable(),
  token_usage: tokenUsageSchema.nullable(),
});

export const nodeLogSchema = nodeSummarySchema
  .extend({
    execution_id: z.uuid(),
    input: z.unknown().describe('The config it ran with, variables resolved'),
    output: z.record(z.string(), z.unknown()).nullable(),
    branch: z.string().nullable(),
    lines: z.array(logLineSchema).describe("The node's events (token deltas left out)"),
    model_calls: z.array(modelCallSchema),
    tool_calls: z.array(toolCallSchema),
    child_runs: z.array(childRunSchema).describe('Runs the node started (an agent, a sub-workflow ...)'),
  })
  .describe('NodeLog');

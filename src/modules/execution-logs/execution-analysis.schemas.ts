import { z } from 'zod';
import { errorSchema, modelCallSchema, tokenUsageSchema, toolCallSchema } from './execution-logs.schemas.js';

const milliseconds = z.number().int();
const share = z.number().describe('Part of the summed node time, 0 to 1');

const modelCallTotalsSchema = z.object({
  count: z.number().int(),
  failed: z.number().int(),
  total_tokens: z.number().int(),
  total_latency_ms: milliseconds,
  avg_latency_ms: z.number().nullable(),
});

const toolCallTotalsSchema = z.object({
  count: z.number().int(),
  failed: z.number().int(),
  total_duration_ms: milliseconds,
  avg_duration_ms: z.number().nullable(),
});

export const performanceSchema = z
  .object({
    execution_id: z.uuid(),
    status: z.string(),
    duration_ms: milliseconds.nullable().describe('Wall time of the execution; null until it ends'),
    node_time_ms: milliseconds.describe('The sum of every node duration'),
    node_span_ms: milliseconds.describe('From the first node start to the last node end'),
    parallelism: z.number().nullable().describe('node_time_ms / node_span_ms: above 1 when nodes ran at once'),
    critical_path: z
      .object({ node_ids: z.array(z.string()), duration_ms: milliseconds })
      .nullable()
      .describe('The chain of dependent nodes (graph edges) with the largest summed duration'),
    slowest_nodes: z.array(
      z.object({
        node_id: z.string(),
        node_type: z.string(),
        status: z.string(),
        duration_ms: milliseconds,
        share,
        token_usage: tokenUsageSchema.nullable(),
      }),
    ),
    by_node_type: z.array(
      z.object({
        node_type: z.string(),
        count: z.number().int(),
        failed: z.number().int(),
        total_ms: milliseconds,
        avg_ms: z.number(),
        max_ms: milliseconds,
        share,
      }),
    ),
    tokens_by_node: z.array(z.object({ node_id: z.string(), node_type: z.string() }).extend(tokenUsageSchema.shape)),
    model_calls: modelCallTotalsSchema.describe('Of the execution and every run it started'),
    tool_calls: toolCallTotalsSchema.describe('Of the execution and every run it started'),
  })
  .describe('ExecutionPerformance');

/** One run of a call chain, with the runs it started below it. */
export interface CallChainNode {
  run_id: string;
  kind: string;
  status: string;
  depth: number;
  node_id: string | null;
  agent_id: string | null;
  workflow_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error: z.infer<typeof errorSchema> | null;
  token_usage: z.infer<typeof tokenUsageSchema> | null;
  model_calls: Array<z.infer<typeof modelCallSchema>>;
  tool_calls: Array<z.infer<typeof toolCallSchema>>;
  children: CallChainNode[];
}

/** Registered by id, so the OpenAPI document holds the recursive shape once, as a component. */
export const callChainNodeSchema: z.ZodType<CallChainNode> = z.lazy(() =>
  z.object({
    run_id: z.uuid(),
    kind: z.string(),
    status: z.string(),
    depth: z.number().int(),
    node_id: z.string().nullable().describe("The parent's node that started this run, when it can be told"),
    agent_id: z.uuid().nullable(),
    workflow_id: z.uuid().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    duration_ms: milliseconds.nullable(),
    error: errorSchema.nullable(),
    token_usage: tokenUsageSchema.nullable(),
    model_calls: z.array(modelCallSchema),
    tool_calls: z.array(toolCallSchema),
    children: z.array(callChainNodeSchema),
  }),
).meta({ id: 'CallChainNode', description: 'One run of a call chain, with the runs it started below it' });

export const callChainSchema = z
  .object({
    root: callChainNodeSchema,
    run_count: z.number().int(),
    max_depth: z.number().int(),
    truncated: z.boolean().describe('Runs or calls were left out (deeper than max_depth, or past the limits)'),
  })
  .describe('CallChain');

const durationFigures = z.object({
  avg: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  max: z.number().nullable(),
});

export const statsSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    total: z.number().int(),
    by_status: z.record(z.string(), z.number().int()),
    by_kind: z.record(z.string(), z.number().int()),
    duration_ms: durationFigures.describe('Of the executions that ended'),
    token_usage: tokenUsageSchema,
    model_calls: modelCallTotalsSchema.extend({ p95_latency_ms: z.number().nullable() }),
    tool_calls: toolCallTotalsSchema,
    node_types: z.array(
      z.object({
        node_type: z.string(),
        count: z.number().int(),
        failed: z.number().int(),
        avg_ms: z.number(),
        p95_ms: z.number(),
        max_ms: milliseconds,
      }),
    ),
  })
  .describe('ExecutionStats');

export type PerformanceView = z.infer<typeof performanceSchema>;
export type StatsView = z.infer<typeof statsSchema>;
export type ModelCallTotals = z.infer<typeof modelCallTotalsSchema>;
export type ToolCallTotals = z.infer<typeof toolCallTotalsSchema>;

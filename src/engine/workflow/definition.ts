import { z } from 'zod';

/** What a node does when it fails after its retries. */
export type OnError = 'fail' | 'continue' | 'branch';

/** The one error policy every node has: a deadline, retries with backoff, and what a failure does. */
export const errorPolicySchema = z
  .object({
    timeout_ms: z.number().int().min(1).max(3_600_000).optional().describe('Deadline of one attempt'),
    retries: z.number().int().min(0).max(10).default(0).describe('Attempts after the first'),
    backoff_ms: z.number().int().min(0).max(600_000).default(1000).describe('First retry delay, doubled each time'),
    on_error: z
      .enum(['fail', 'continue', 'branch'])
      .default('fail')
      .describe('fail the run; continue with default_output; or take the outgoing edges with source_handle "error"'),
    default_output: z.record(z.string(), z.unknown()).default({}).describe('The output used with on_error: continue'),
  })
  .strict();

export type ErrorPolicy = z.infer<typeof errorPolicySchema>;

/** A node: its id (referenced as {{id.output...}}), type, label, type-specific config and canvas position. */
export const workflowNodeSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -, starting with a letter or _')
      .describe('Unique in the graph; variables refer to it'),
    type: z.string().min(1).max(50),
    label: z.string().max(200).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    position: z.object({ x: z.number(), y: z.number() }).optional(),
    error_policy: errorPolicySchema.optional(),
  })
  .strict();

/** An edge; `source_handle` picks a branch of a branching node ("true", a class name, "error" ...). */
export const workflowEdgeSchema = z
  .object({
    id: z.string().max(100).optional(),
    source: z.string().min(1).max(64),
    target: z.string().min(1).max(64),
    source_handle: z.string().min(1).max(100).optional(),
    condition: z.string().max(2000).optional().describe('Optional label of the branch condition, for display'),
  })
  .strict();

/** A workflow graph: nodes and edges. Loop and iteration nodes hold their body as a nested graph. */
export const workflowGraphSchema = z.object({
  nodes: z.array(workflowNodeSchema).max(1000),
  edges: z.array(workflowEdgeSchema).max(5000),
});

export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
export type WorkflowEdge = z.infer<typeof workflowEdgeSchema>;
export type WorkflowGraph = z.infer<typeof workflowGraphSchema>;

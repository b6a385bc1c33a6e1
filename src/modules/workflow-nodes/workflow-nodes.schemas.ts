import { z } from 'zod';
import { errorPolicySchema, workflowNodeSchema } from '../../engine/workflow/definition.js';
import { tokenUsageSchema } from '../agent-chat/chat.schemas.js';

/** The most top-level names a debug scope may hold. */
const MAX_SCOPE_NAMES = 200;

const scopeNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'a node id, "start" or "env"');

/**
 * The variables the node sees, keyed the way its {{references}} read them. `env` holds strings
 * only and `start.input` is an object, as in a real execution.
 */
export const debugScopeSchema = z
  .record(scopeNameSchema, z.record(z.string(), z.unknown()))
  .superRefine((scope, context) => {
    if (Object.keys(scope).length > MAX_SCOPE_NAMES) context.addIssue({ code: 'custom', message: `at most ${MAX_SCOPE_NAMES} names` });
    for (const [name, value] of Object.entries(scope.env ?? {})) {
      if (typeof value !== 'string') context.addIssue({ code: 'custom', path: ['env', name], message: 'environment values are strings' });
    }
    const input = scope.start?.['input'];
    if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
      context.addIssue({ code: 'custom', path: ['start', 'input'], message: 'the start input is an object' });
    }
  })
  .describe(
    'The variable scope, as references read it: {"start": {"input": {...}}, "<node_id>": {"output": {...}}, "env": {"NAME": "value"}}; ' +
      'a loop body also sees "<loop_id>": {"item", "index", "state"}',
  );

/** POST /nodes/run body. */
export const runNodeBodySchema = z
  .object({
    type: z.string().min(1).max(50).describe('The node type (GET /node-templates/node-types lists them)'),
    config: z.record(z.string(), z.unknown()).default({}).describe("The node's config; {{references}} are resolved against inputs"),
    node_id: workflowNodeSchema.shape.id
      .default('node')
      .describe('The id the node runs under: a loop or iteration body reads {{<this id>.item}} with it'),
    error_policy: errorPolicySchema.optional().describe('Deadline per attempt, retries and on_error, as in a workflow'),
    inputs: debugScopeSchema.default({}),
    decision: z
      .object({
        decision: z.string().min(1).max(100).describe('One of the options of the human_approval node'),
        comment: z.string().max(2000).optional(),
        decided_by: z.string().max(200).optional(),
      })
      .strict()
      .optional()
      .describe('human_approval only: the decision to finish with; without it the node answers status "waiting" with its request'),
    timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(60_000)
      .describe('Deadline of the whole run, retries included; past it the node fails with NODE_RUN_TIMEOUT'),
  })
  .strict();

/** POST /nodes/run answer: the node's step, as executions show steps, and the id its calls are recorded under. */
export const nodeRunResultSchema = z
  .object({
    node_id: z.string(),
    node_type: z.string(),
    status: z.enum(['succeeded', 'failed', 'waiting']).describe('waiting: a human_approval node run without a decision'),
    input: z.unknown().describe('The config the node ran with, {{references}} resolved'),
    output: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The output; for on_error "branch" {error}; for a waiting node the request a person would get'),
    branch: z.string().nullable().describe('The branch (source_handle) it chose, when it chose one'),
    error: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe('The failure, also set when on_error let the node succeed past it'),
    attempts: z.number().int().min(0),
    started_at: z.iso.datetime(),
    finished_at: z.iso.datetime(),
    duration_ms: z.number().int().min(0),
    token_usage: tokenUsageSchema.nullable(),
    trace_id: z
      .uuid()
      .describe("The node's model calls are recorded under this run id, and an agent node's run has it as parent_run_id"),
  })
  .describe('NodeRunResult');

export type RunNodeBody = z.output<typeof runNodeBodySchema>;
export type NodeRunResult = z.output<typeof nodeRunResultSchema>;

import { z } from 'zod';
import { addTokenUsage, emptyTokenUsage } from '../../../platform/llm/llm-call.js';
import { workflowGraphSchema } from '../definition.js';
import type { NodeContext, NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';
import { resolveVariables } from '../variables.js';
import { compareValues, comparisonSchema, type Comparison } from './condition.node.js';

const loopConfigSchema = z
  .object({
    body: workflowGraphSchema.describe(
      "The graph run each iteration; it reads {{<this node id>.index}} and {{<this node id>.state.*}}, and its output becomes the next state",
    ),
    max_iterations: z.number().int().min(1).max(1000).default(10).describe('The most iterations; the loop stops there'),
    until: comparisonSchema
      .optional()
      .describe('Checked after each iteration, with {{<this node id>.state}} the new state; the loop stops when it holds'),
    state: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('The initial state; its {{references}} are resolved against the scope'),
  })
  .strict();

/** The config of a loop node. */
export type LoopConfig = z.infer<typeof loopConfigSchema>;

/** Whether the `until` test holds for the loop variables just produced (the condition node's operators). */
async function untilHolds(
  context: NodeContext<LoopConfig>,
  until: Comparison,
  loopVariables: { index: number; state: Record<string, unknown> },
): Promise<boolean> {
  const scope = { ...context.scope, [context.node.id]: loopVariables };
  try {
    return await compareValues({
      left: resolveVariables(until.left, scope),
      operator: until.operator,
      right: resolveVariables(until.right, scope),
      signal: context.signal,
    });
  } catch (error) {
    if (context.signal.aborted || !(error instanceof NodeError)) throw error;
    throw new NodeError(`until: ${error.message}`, error.code);
  }
}

/**
 * Repeats a nested graph, threading a state through it (a do-until loop). Steps: resolve the
 * initial state against the scope; for index 0, 1, ... run the body with `{ index, state }` as
 * its start input and under this node's id; its output becomes the state; stop when `until`
 * holds (evaluated against the scope plus `{ index, state }` of the iteration just run) or after
 * `max_iterations`. A failing iteration fails the node, with its index in the message.
 */
export const loopNode: NodeType<LoopConfig> = {
  type: 'loop',
  description: 'Repeats a nested graph, its output feeding the next round, until a condition holds',
  configSchema: loopConfigSchema,
  rawConfig: true,
  subgraphs: (config) => [config.body],
  async run(context) {
    const { config, node, signal } = context;
    let state = resolveVariables(config.state, context.scope) as Record<string, unknown>;
    let usage = emptyTokenUsage();
    let iterations = 0;
    while (iterations < config.max_iterations) {
      if (signal.aborted) throw signal.reason;
      const index = iterations;
      const loopVariables = { index, state };
      const result = await context
        .runSubgraph(config.body, { input: loopVariables, variables: { [node.id]: loopVariables }, signal })
        .catch((error: unknown) => {
          if (signal.aborted || !(error instanceof NodeError)) throw error;
          throw new NodeError(`iteration ${index}: ${error.message}`, error.code);
        });
      state = result.output;
      usage = addTokenUsage(usage, result.usage);
      iterations += 1;
      context.emit('iteration-finish', { index, state });
      if (config.until && (await untilHolds(context, config.until, { index, state }))) break;
    }
    return { kind: 'done', output: { state, iterations }, usage };
  },
};

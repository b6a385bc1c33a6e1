import { z } from 'zod';
import { addTokenUsage, emptyTokenUsage, type TokenUsage } from '../../../platform/llm/llm-call.js';
import { workflowGraphSchema } from '../definition.js';
import type { NodeContext, NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';
import { lookupPath, resolveVariables } from '../variables.js';

const iterationConfigSchema = z
  .object({
    items: z.unknown().describe('The array to map over, usually a whole {{reference}} such as "{{search.output.results}}"'),
    body: workflowGraphSchema.describe('The graph run once per item; it reads {{<this node id>.item}} and {{<this node id>.index}}'),
    max_iterations: z.number().int().min(1).max(10_000).default(1000).describe('The most items accepted; more fail the node'),
    parallelism: z.number().int().min(1).max(32).default(1).describe('Items run at once'),
    output: z
      .string()
      .regex(/^[\w-]+(?:\.[\w-]+)*$/, 'a dotted path such as "value" or "result.text"')
      .optional()
      .describe("A dotted path in the body's output collected per item; default: the body's whole output"),
    continue_on_item_error: z
      .boolean()
      .default(false)
      .describe('Record a failed item as { error: { code, message } } instead of failing the node'),
  })
  .strict();

/** The config of an iteration node. */
export type IterationConfig = z.infer<typeof iterationConfigSchema>;

type ItemResult = { result: unknown; usage: TokenUsage };

/** The {code, message} of an item's failure. */
function itemError(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : 'NODE_FAILED',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Runs the body for one item and picks the collected value out of its output. */
async function runItem(context: NodeContext<IterationConfig>, item: unknown, index: number): Promise<ItemResult> {
  const { config, node, signal } = context;
  try {
    const { output, usage } = await context.runSubgraph(config.body, {
      input: { item, index },
      variables: { [node.id]: { item, index } },
      signal,
    });
    return { result: config.output === undefined ? output : (lookupPath(output, config.output) ?? null), usage };
  } catch (error) {
    if (signal.aborted || !config.continue_on_item_error) throw error;
    return { result: { error: itemError(error) }, usage: emptyTokenUsage() };
  }
}

/**
 * Runs `work` for every index with at most `limit` at once; results keep the index order. After
 * the first failure (or a cancel) no new index starts, the ones in flight finish, and the first
 * failure is thrown.
 */
async function mapWithLimit<Result>(
  count: number,
  limit: number,
  work: (index: number) => Promise<Result>,
  signal: AbortSignal,
): Promise<Result[]> {
  const results: Result[] = new Array<Result>(count);
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (failures.length === 0 && !signal.aborted && next < count) {
      const index = next++;
      try {
        results[index] = await work(index);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (signal.aborted) throw signal.reason;
  if (failures.length > 0) throw failures[0];
  return results;
}

/**
 * Maps a nested graph over an array. Steps: resolve `items` against the scope (the config is read
 * raw so the body's own {{references}} survive until each body run); check it is an array within
 * `max_iterations`; run the body per item, `parallelism` at a time, with `{ item, index }` as the
 * body's start input and under this node's id; collect each output (or the `output` path of it)
 * in item order and sum the usage. A failing item fails the node, with its index in the message,
 * unless `continue_on_item_error` records it in place.
 */
export const iterationNode: NodeType<IterationConfig> = {
  type: 'iteration',
  description: 'Runs a nested graph once per item of an array and collects the results in order',
  configSchema: iterationConfigSchema,
  rawConfig: true,
  subgraphs: (config) => [config.body],
  async run(context) {
    const { config, signal } = context;
    const items = resolveVariables(config.items, context.scope);
    if (!Array.isArray(items)) {
      throw new NodeError(`items must be an array, got ${items === null ? 'null' : typeof items}`, 'ITERATION_NOT_ARRAY');
    }
    if (items.length > config.max_iterations) {
      throw new NodeError(`${items.length} items exceed max_iterations (${config.max_iterations})`, 'ITERATION_TOO_MANY');
    }
    let completed = 0;
    const outcomes = await mapWithLimit(
      items.length,
      config.parallelism,
      async (index) => {
        try {
          const outcome = await runItem(context, items[index], index);
          completed += 1;
          context.emit('item-finish', { index, completed, total: items.length });
          return outcome;
        } catch (error) {
          if (signal.aborted) throw error;
          const { code, message } = itemError(error);
          throw new NodeError(`item ${index}: ${message}`, code);
        }
      },
      signal,
    );
    return {
      kind: 'done',
      output: { results: outcomes.map((outcome) => outcome.result), count: outcomes.length },
      usage: outcomes.reduce((sum, outcome) => addTokenUsage(sum, outcome.usage), emptyTokenUsage()),
    };
  },
};

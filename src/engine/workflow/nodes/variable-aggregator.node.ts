import { z } from 'zod';
import type { NodeType } from '../node-type.js';

/** Config of the variable aggregator: candidate values, usually one per alternative branch. */
export const variableAggregatorConfigSchema = z
  .object({
    variables: z
      .array(z.unknown())
      .min(1)
      .max(100)
      .describe('Candidate values in order of preference, usually {{references}} to the outputs of alternative branches'),
  })
  .strict();

/** The variable aggregator's validated config. */
export type VariableAggregatorConfig = z.infer<typeof variableAggregatorConfigSchema>;

/**
 * Joins alternative branches: a skipped node's output is absent from the scope, so its reference
 * resolves to undefined. Output `{ value, values }`: the first value that is neither null nor
 * undefined (null when there is none) and every such value in order.
 */
export const variableAggregatorNode: NodeType<VariableAggregatorConfig> = {
  type: 'variable_aggregator',
  description: 'Picks the first value that exists among alternatives (e.g. the branch that ran).',
  configSchema: variableAggregatorConfigSchema,
  pure: true,
  async run({ config }) {
    const values = config.variables.filter((value) => value !== null && value !== undefined);
    return { kind: 'done', output: { value: values[0] ?? null, values } };
  },
};

import { z } from 'zod';
import type { NodeType } from '../node-type.js';

/** A name a later node can reference as {{node_id.output.name}}. */
const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -, starting with a letter or _');

/** Config of the variable assigner: names and their values (constants or {{references}}). */
export const variableAssignerConfigSchema = z
  .object({
    assignments: z
      .record(variableName, z.unknown())
      .refine((assignments) => Object.keys(assignments).length <= 100, 'at most 100 assignments')
      .describe('Variable names and their values; a value that is one whole {{reference}} keeps its type'),
  })
  .strict();

/** The variable assigner's validated config. */
export type VariableAssignerConfig = z.infer<typeof variableAssignerConfigSchema>;

/** The values of a record with `undefined` (a reference to nothing) made `null`, so every key survives JSON. */
export function definedValues(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value === undefined ? null : value]));
}

/**
 * Names values for later nodes: the output is the assignments with their variables resolved
 * (a reference to a missing value becomes null).
 */
export const variableAssignerNode: NodeType<VariableAssignerConfig> = {
  type: 'variable_assigner',
  description: 'Sets named variables (constants or values of earlier nodes) as its output.',
  configSchema: variableAssignerConfigSchema,
  pure: true,
  async run({ config }) {
    return { kind: 'done', output: definedValues(config.assignments) };
  },
};

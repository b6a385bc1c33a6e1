import { z } from 'zod';
import type { NodeType } from '../node-type.js';

const configSchema = z
  .object({
    outputs: z
      .record(z.string().min(1).max(64), z.unknown())
      .default({})
      .describe('The execution output: names to values or {{references}} (e.g. "{{llm_1.output.text}}")'),
  })
  .strict();

/** The exit of a workflow: its (resolved) output mapping is the execution's output. */
export const endNode: NodeType<z.infer<typeof configSchema>> = {
  type: 'end',
  description: 'Exit point: maps variables to the execution output',
  configSchema,
  pure: true,
  async run({ config }) {
    return { kind: 'done', output: config.outputs };
  },
};

import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { definedValues } from './variable-assigner.node.js';

/** Config of the code node: a program, the values it gets as `input`, and its time limit. */
export const codeConfigSchema = z
  .object({
    language: z.enum(['javascript', 'python']).describe('The language of the code'),
    code: z.string().min(1).max(100_000).describe('The program; it reads `input` and its result becomes the output'),
    inputs: z
      .record(z.string().min(1).max(64), z.unknown())
      .default({})
      .describe('Values passed to the code as `input` (a whole {{reference}} keeps its type; a missing one is null)'),
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000).describe('Wall-time limit of the run'),
  })
  .strict();

/** The code node's validated config. */
export type CodeConfig = z.infer<typeof codeConfigSchema>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs user code in the sandbox with the resolved inputs. Output `{ result, logs }`; when the
 * result is a plain object its members are also spread into the output (so a later node reads
 * {{code_id.output.total}}), but `result` and `logs` always keep their own meaning.
 */
export const codeNode: NodeType<CodeConfig> = {
  type: 'code',
  description: 'Runs JavaScript or Python in the sandbox and outputs its result.',
  configSchema: codeConfigSchema,
  async run({ config, services, signal }) {
    const { result, logs } = await services.runCode({
      language: config.language,
      code: config.code,
      input: definedValues(config.inputs),
      timeoutMs: config.timeout_ms,
      signal,
    });
    const value = result === undefined ? null : result;
    return { kind: 'done', output: { ...(isPlainObject(value) ? value : {}), result: value, logs } };
  },
};

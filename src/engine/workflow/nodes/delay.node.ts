import { z } from 'zod';
import { sleep } from '../../../platform/llm/retry-policy.js';
import type { NodeType } from '../node-type.js';

/** The longest delay: one day, in milliseconds. */
export const MAX_DELAY_MS = 86_400_000;

/** Config of the delay node. */
export const delayConfigSchema = z
  .object({
    ms: z.number().int().min(0).max(MAX_DELAY_MS).describe('How long to wait, in milliseconds (at most one day)'),
  })
  .strict();

/** The delay node's validated config. */
export type DelayConfig = z.infer<typeof delayConfigSchema>;

/** Waits `ms` milliseconds; a cancel (or the node's deadline) ends the wait at once. Output `{ waited_ms }`. */
export const delayNode: NodeType<DelayConfig> = {
  type: 'delay',
  description: 'Waits a fixed time before the workflow goes on.',
  configSchema: delayConfigSchema,
  async run({ config, signal }) {
    await sleep(config.ms, signal);
    return { kind: 'done', output: { waited_ms: config.ms } };
  },
};

import { z } from 'zod';
import type { WorkerMessage } from './protocol.js';

const failureKindSchema = z.enum(['timeout', 'memory', 'output_limit', 'runtime_error', 'syntax_error', 'crashed', 'aborted']);

const outcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), resultJson: z.string(), logs: z.string(), recycle: z.boolean() }),
  z.object({ ok: z.literal(false), kind: failureKindSchema, message: z.string(), logs: z.string(), recycle: z.boolean() }),
]);

/** What a worker may send; anything else means the worker is compromised or broken and is killed. */
export const workerMessageSchema: z.ZodType<WorkerMessage> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('snapshot'), snapshot: z.instanceof(Uint8Array) }),
  z.object({ type: z.literal('start-failed'), message: z.string() }),
  z.object({ type: z.literal('done'), jobId: z.string(), outcome: outcomeSchema }),
]);

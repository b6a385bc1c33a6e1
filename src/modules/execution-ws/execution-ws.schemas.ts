import { z } from 'zod';
import { uuidSchema } from '../../platform/http/schemas.js';
import { resumeBodySchema } from '../workflow-executions/workflow-executions.schemas.js';

export const executionSocketParamsSchema = z.object({ execution_id: uuidSchema });

export const executionSocketQuerySchema = z.object({
  after_seq: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .optional()
    .describe('Replay the run events after this sequence number (default 0: every event)'),
  token: z.string().max(4096).optional().describe('The access token, for clients that cannot set the Authorization header'),
});

/** What a client may send on the socket; anything else is answered with an `error` message. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }).strict(),
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('cancel') }).strict(),
  resumeBodySchema.extend({ type: z.literal('resume') }).strict(),
]);

/** One command from the client. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

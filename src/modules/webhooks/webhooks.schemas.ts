import { z } from 'zod';
import { uuidSchema } from '../../platform/http/schemas.js';

export const webhookByIdParams = z.object({ workflow_id: uuidSchema });
export const webhookByNameParams = z.object({ owner_id: uuidSchema, name: z.string().min(1).max(200) });

export const webhookQuerySchema = z
  .object({
    mode: z.enum(['async', 'sync']).default('async').describe('async: answer 202 with the execution id at once; sync: wait for the output'),
    timeout_ms: z.coerce.number().int().min(100).max(120_000).default(30_000).describe('sync only: how long to wait before answering 202'),
  })
  .strict();

export const webhookHeadersSchema = z.object({
  'x-webhook-secret': z.string().max(200).optional().describe("The workflow's webhook secret (GET /workflows/{id}/webhook-secret)"),
  'x-webhook-signature': z
    .string()
    .max(200)
    .optional()
    .describe('Instead of the secret: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>'),
});

export const webhookResponseSchema = z
  .object({
    execution_id: z.uuid().describe('GET /api/v1/executions/{id} (with the owner token) shows it'),
    status: z.string().describe('pending (async), running (sync timed out), succeeded, failed, cancelled, paused or waiting_approval'),
    output: z.record(z.string(), z.unknown()).nullable().describe('The end node output (sync, succeeded)'),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .describe('Webhook answer');

export type WebhookQuery = z.infer<typeof webhookQuerySchema>;

import { z } from 'zod';
import { pageSchema, paginationQuerySchema } from '../../platform/http/schemas.js';

/** POST /api-keys body. */
export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100).describe('What the key is for, e.g. "Open WebUI"'),
    agent_ids: z
      .array(z.uuid())
      .min(1)
      .max(100)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'agent_ids has duplicates' })
      .optional()
      .describe('The only agents the key may use (each must be yours); absent: every agent you own, now and later'),
    expires_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('After this instant the key is refused (ISO-8601, in the future); absent: never expires'),
  })
  .strict();

/** An API key as lists show it: never the key itself. */
export const apiKeyResponseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    key_prefix: z.string().describe('The first characters of the key, e.g. "tg-Ab3x"'),
    key_last4: z.string().describe('The last four characters of the key'),
    agent_ids: z.array(z.uuid()).nullable().describe('The agents the key may use; null: every agent you own'),
    expires_at: z.iso.datetime().nullable(),
    last_used_at: z.iso.datetime().nullable().describe('Last accepted request (updated at most once a minute)'),
    revoked: z.boolean(),
    revoked_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
  })
  .describe('ApiKey');

/** The answer to creating a key: the only time the key is shown. */
export const createdApiKeySchema = apiKeyResponseSchema
  .extend({ key: z.string().describe('The secret key: shown once, store it now. Send it as Authorization: Bearer <key> to /v1/*') })
  .describe('CreatedApiKey');

/** GET /api-keys query. */
export const listApiKeysQuerySchema = paginationQuerySchema;

/** GET /api-keys answer. */
export const apiKeyPageSchema = pageSchema(apiKeyResponseSchema);

export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;
export type ApiKeyResponse = z.output<typeof apiKeyResponseSchema>;
export type CreatedApiKey = z.output<typeof createdApiKeySchema>;

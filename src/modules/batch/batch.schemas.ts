import { z } from 'zod';
import { uuidSchema } from '../../platform/http/schemas.js';

export const batchExecuteBodySchema = z
  .object({
    workflow_id: uuidSchema,
    inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(1000).describe("One start-node input per execution (at most 1,000)"),
    concurrency: z.number().int().min(1).max(32).default(4).describe('How many of these executions run at once'),
  })
  .strict();

export const batchExecuteResponseSchema = z
  .object({
    workflow_id: z.uuid(),
    total: z.number().int(),
    concurrency: z.number().int(),
    execution_ids: z.array(z.uuid()).describe('In the order of `inputs`; each starts pending (GET /executions/{id})'),
  })
  .describe('BatchExecution');

const resourceSchema = z.enum(['workflows', 'agents']).describe('What the ids are');
const idsSchema = z
  .array(uuidSchema)
  .min(1)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat')
  .describe('At most 100 ids');

export const batchIdsBodySchema = z.object({ resource: resourceSchema, ids: idsSchema }).strict();

export const batchExportResponseSchema = z
  .object({
    format: z.literal('tiangong.bundle'),
    format_version: z.literal(1),
    exported_at: z.string(),
    resource: resourceSchema,
    items: z.array(z.record(z.string(), z.unknown())).describe('One export document per found id (what each import endpoint accepts)'),
    not_found: z.array(z.uuid()).describe('Ids that are not yours or do not exist'),
  })
  .describe('BatchExport');

export const batchDeleteResponseSchema = z
  .object({
    resource: resourceSchema,
    deleted: z.array(z.uuid()),
    not_found: z.array(z.uuid()).describe('Ids that are not yours or do not exist (nothing deleted for them)'),
  })
  .describe('BatchDelete');

export type BatchExecuteBody = z.infer<typeof batchExecuteBodySchema>;
export type BatchIdsBody = z.infer<typeof batchIdsBodySchema>;
export type BatchResource = BatchIdsBody['resource'];

import { z } from 'zod';
import { paginationQuerySchema } from '../../platform/http/schemas.js';
import { providerNames } from '../../platform/llm/providers.js';

const httpUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(500)
  .describe('Endpoint base URL, e.g. https://api.deepseek.com/v1 (the /chat/completions path is added)');

/** Default call parameters of a model. */
export const modelParametersSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    top_p: z.number().min(0).max(1).optional(),
  })
  .strict();

const capabilitiesSchema = z
  .object({ tools: z.boolean().optional(), vision: z.boolean().optional(), json: z.boolean().optional() })
  .strict()
  .describe('What the model can do (tool calling, image input, JSON mode)');

const providerSchema = z.enum(providerNames).describe('Provider family; OpenAI-style endpoints use openai-compatible');
const kindSchema = z.enum(['chat', 'embedding', 'rerank']);

/** POST /model-configs body. */
export const createModelConfigSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    provider: providerSchema,
    base_url: httpUrl.nullish(),
    api_key: z.string().trim().min(1).max(1000).nullish().describe('Stored encrypted; only ever returned masked'),
    model_name: z.string().trim().min(1).max(200).describe('The provider model id, e.g. deepseek-chat, qwen-plus, llama3.1'),
    kind: kindSchema.default('chat'),
    parameters: modelParametersSchema.default({}),
    capabilities: capabilitiesSchema.default({}),
    fallback_model_ids: z.array(z.uuid()).max(5).default([]).describe('Chat configs tried in order when this one keeps failing'),
    is_default: z.boolean().default(false).describe('The model used when none is named (one per kind)'),
  })
  .strict();

/** PUT /model-configs/{id} body: any subset of the create fields; `api_key: null` removes the key. */
export const updateModelConfigSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    provider: providerSchema,
    base_url: httpUrl.nullable(),
    api_key: z.string().trim().min(1).max(1000).nullable(),
    model_name: z.string().trim().min(1).max(200),
    kind: kindSchema,
    parameters: modelParametersSchema,
    capabilities: capabilitiesSchema,
    fallback_model_ids: z.array(z.uuid()).max(5),
    is_default: z.boolean(),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' });

/** GET /model-configs query. */
export const listModelConfigsQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(200).optional().describe('Matches name or model_name'),
  kind: kindSchema.optional(),
  provider: providerSchema.optional(),
});

/** A model config as the API shows it; the key only masked. */
export const modelConfigResponseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    provider: providerSchema,
    base_url: z.string().nullable(),
    api_key_masked: z.string().nullable().describe('e.g. sk-…abcd; null when no key is stored'),
    model_name: z.string(),
    kind: kindSchema,
    parameters: modelParametersSchema,
    capabilities: capabilitiesSchema,
    fallback_model_ids: z.array(z.uuid()),
    is_default: z.boolean(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .describe('ModelConfig');

/** POST /model-configs/{id}/test answer. */
export const modelTestResultSchema = z.object({
  ok: z.boolean(),
  latency_ms: z.number().int().min(0),
  error: z.string().optional().describe('Why the call failed, in plain words'),
  model: z.string().describe('provider/model that was called'),
});

export type CreateModelConfigInput = z.output<typeof createModelConfigSchema>;
export type UpdateModelConfigInput = z.output<typeof updateModelConfigSchema>;
export type ListModelConfigsQuery = z.output<typeof listModelConfigsQuerySchema>;
export type ModelConfigResponse = z.output<typeof modelConfigResponseSchema>;
export type ModelTestResult = z.output<typeof modelTestResultSchema>;

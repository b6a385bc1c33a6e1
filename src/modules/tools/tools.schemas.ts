import { z } from 'zod';
import { paginationQuerySchema } from '../../platform/http/schemas.js';

const boundedRecord = (what: string) =>
  z
    .record(z.string().min(1).max(200), z.string().max(4096))
    .refine((record) => Object.keys(record).length <= 50, `at most 50 ${what}`)
    .default({});

/** A custom tool's name: what a model calls, unique among the caller's tools and the built-ins. */
export const toolNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'snake_case: a lower-case letter, then letters, digits or _ (at most 64)')
  .describe('snake_case name a model calls; unique among your tools and the built-ins');

/** Authentication of an HTTP tool as the API takes it: the secret is write-only. */
const httpAuthInputSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({
      type: z.literal('api_key'),
      in: z.enum(['header', 'query']).default('header'),
      name: z.string().min(1).max(200).describe('Header or query parameter name, e.g. X-API-Key'),
      key: z.string().min(1).max(4096).optional().describe('The key; omit on update to keep the stored one'),
    }),
    z.object({ type: z.literal('bearer'), token: z.string().min(1).max(8192).optional().describe('Omit on update to keep the stored one') }),
    z.object({
      type: z.literal('basic'),
      username: z.string().min(1).max(200),
      password: z.string().min(1).max(4096).optional().describe('Omit on update to keep the stored one'),
    }),
  ])
  .default({ type: 'none' })
  .describe('Credentials are encrypted at rest and never returned');

/** The request a custom HTTP tool sends. */
export const httpToolConfigSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  url: z
    .string()
    .min(1)
    .max(2048)
    .describe('http(s) URL; {{field}} placeholders are filled (URL-encoded) from the input'),
  headers: boundedRecord('headers').describe('Header templates; {{field}} placeholders allowed'),
  query: boundedRecord('query parameters').describe('Query parameter templates; empty results are left out'),
  body: z
    .unknown()
    .nullable()
    .default(null)
    .describe('JSON body template ("{{field}}" keeps the value\'s type); null sends the whole input as JSON'),
  auth: httpAuthInputSchema,
  timeout_ms: z.number().int().min(100).max(120_000).default(30_000),
  response_path: z.string().min(1).max(500).nullable().default(null).describe('JSONPath selecting what the tool returns, e.g. $.data.items[*].name'),
});

/** The code of a custom code tool. */
export const codeToolConfigSchema = z.object({
  language: z.enum(['javascript', 'python']),
  code: z
    .string()
    .min(1)
    .max(100_000)
    .describe('Runs in the sandbox with the input as `input`; define main(input) or end with an expression'),
  timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
});

const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .describe('JSON Schema of the input: an object schema ({"type":"object","properties":{...}})');

const commonFields = {
  name: toolNameSchema,
  description: z.string().trim().min(1).max(2000).describe('What the tool does and when to use it, written for a model'),
  category: z.string().trim().min(1).max(50).default('custom'),
  input_schema: jsonSchemaObject.default({ type: 'object', properties: {} }),
  enabled: z.boolean().default(true),
};

export const createToolBodySchema = z.discriminatedUnion('type', [
  z.object({ ...commonFields, type: z.literal('http'), http: httpToolConfigSchema }),
  z.object({ ...commonFields, type: z.literal('code'), code: codeToolConfigSchema }),
]);

export const updateToolBodySchema = z
  .object({
    name: toolNameSchema.optional(),
    description: commonFields.description.optional(),
    category: z.string().trim().min(1).max(50).optional(),
    input_schema: jsonSchemaObject.optional(),
    enabled: z.boolean().optional(),
    http: httpToolConfigSchema.optional().describe('Replaces the HTTP config (HTTP tools only)'),
    code: codeToolConfigSchema.optional().describe('Replaces the code config (code tools only)'),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to update');

export type CreateToolInput = z.output<typeof createToolBodySchema>;
export type UpdateToolInput = z.output<typeof updateToolBodySchema>;
export type HttpToolConfigInput = z.output<typeof httpToolConfigSchema>;
export type CodeToolConfigInput = z.output<typeof codeToolConfigSchema>;

export const toolTypeSchema = z.enum(['builtin', 'http', 'code', 'mcp']);

export const listToolsQuerySchema = paginationQuerySchema.extend({
  category: z.string().max(50).optional(),
  type: toolTypeSchema.optional(),
  search: z.string().trim().max(200).optional().describe('Matches name and description'),
});
export type ListToolsQuery = z.output<typeof listToolsQuerySchema>;

export const toolIdParamsSchema = z.object({
  tool_id: z
    .string()
    .min(1)
    .max(100)
    .describe('A custom tool id (UUID), or a tool name (built-in or yours)'),
});

export const toolSchema = z
  .object({
    id: z.string().describe('UUID for custom tools, the name for built-ins'),
    name: z.string(),
    description: z.string(),
    category: z.string(),
    type: toolTypeSchema,
    builtin: z.boolean(),
    input_schema: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
    config: z.record(z.string(), z.unknown()).nullable().describe('HTTP or code settings of a custom tool; credentials masked'),
    created_at: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .describe('Tool');
export type ToolView = z.output<typeof toolSchema>;

export const argumentsBodySchema = z.object({
  arguments: z.record(z.string(), z.unknown()).default({}).describe("The tool's input, checked against its input_schema"),
});

export const testHttpBodySchema = z.object({
  http: httpToolConfigSchema,
  input_schema: jsonSchemaObject.optional(),
  arguments: z.record(z.string(), z.unknown()).default({}),
});

export const testCodeBodySchema = codeToolConfigSchema.extend({
  input_schema: jsonSchemaObject.optional(),
  arguments: z.record(z.string(), z.unknown()).default({}),
});

export const importOpenApiBodySchema = z.object({
  document: z
    .union([z.record(z.string(), z.unknown()), z.string().max(2_000_000)])
    .describe('The OpenAPI 3 document, as JSON or as JSON/YAML text'),
  server_url: z.url({ protocol: /^https?$/ }).optional().describe("Base URL to use instead of the document's first server"),
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,19}$/)
    .optional()
    .describe('snake_case prefix for the tool names (<prefix>_<operation>)'),
  operations: z.array(z.string().min(1).max(200)).max(500).optional().describe('Only these operationIds (default: every operation)'),
  category: z.string().trim().min(1).max(50).default('custom'),
  auth: httpToolConfigSchema.shape.auth,
  timeout_ms: z.number().int().min(100).max(120_000).default(30_000),
});
export type ImportOpenApiInput = z.output<typeof importOpenApiBodySchema>;

export const importOpenApiResponseSchema = z.object({
  tools: z.array(toolSchema),
  skipped: z.array(z.object({ operation: z.string(), reason: z.string() })).describe('Operations that did not become tools, and why'),
});

export const toolOutcomeSchema = z
  .object({
    tool: z.string(),
    ok: z.boolean().describe('false when the tool failed; `error` then says why'),
    output: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    duration_ms: z.number().int(),
  })
  .describe('ToolOutcome');
export type ToolOutcome = z.output<typeof toolOutcomeSchema>;

import { z } from 'zod';
import { errorPolicySchema } from '../../engine/workflow/definition.js';
import { pageSchema, paginationQuerySchema } from '../../platform/http/schemas.js';

/** The category a template gets when none is given. */
export const DEFAULT_NODE_TEMPLATE_CATEGORY = 'general';

const tagsSchema = z
  .array(z.string().trim().min(1).max(50))
  .max(20)
  .transform((tags) => [...new Set(tags)])
  .describe('Free labels to find the template by (duplicates are dropped)');

const templateFields = {
  name: z.string().trim().min(1).max(100).describe('Unique among your node templates'),
  description: z.string().max(2000),
  node_type: z.string().min(1).max(50).describe('A node type (GET /node-templates/node-types lists them)'),
  config: z
    .record(z.string(), z.unknown())
    .describe("The node's config, checked against the node type's schema; {{references}} are kept and checked when they run"),
  error_policy: errorPolicySchema.describe('The error policy a node made from this template gets'),
  category: z.string().trim().min(1).max(50).describe('One category, e.g. "http", "llm", "data"'),
  tags: tagsSchema,
};

/** POST /node-templates body. */
export const createNodeTemplateSchema = z
  .object({
    ...templateFields,
    description: templateFields.description.default(''),
    config: templateFields.config.default({}),
    error_policy: templateFields.error_policy.optional(),
    category: templateFields.category.default(DEFAULT_NODE_TEMPLATE_CATEGORY),
    tags: tagsSchema.default([]),
  })
  .strict();

/** PUT /node-templates/{id} body: any subset of the fields; `error_policy: null` removes it. */
export const updateNodeTemplateSchema = z
  .object({ ...templateFields, error_policy: templateFields.error_policy.nullable() })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' });

/** GET /node-templates query. */
export const listNodeTemplatesQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(200).optional().describe('Matches name or description'),
  node_type: z.string().min(1).max(50).optional().describe('Only templates of this node type'),
  category: z.string().trim().min(1).max(50).optional().describe('Only templates of this category'),
  tag: z.string().trim().min(1).max(50).optional().describe('Only templates with this tag'),
});

/** A node template as the API shows it. */
export const nodeTemplateResponseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    node_type: z.string(),
    config: z.record(z.string(), z.unknown()),
    error_policy: z.record(z.string(), z.unknown()).nullable(),
    category: z.string(),
    tags: z.array(z.string()),
    owner_id: z.uuid(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .describe('NodeTemplate');

/** One node type of the catalogue. */
export const nodeTypeSchema = z
  .object({
    type: z.string(),
    description: z.string(),
    config_schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the config (as accepted, before defaults)'),
    default_config: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The config an empty {} becomes; null when the type has required fields'),
    branching: z.boolean().describe('Chooses among outgoing edges by source_handle'),
    nested_graphs: z.boolean().describe('Holds a nested graph in its config (loop, iteration)'),
    runnable_alone: z.boolean().describe('POST /nodes/run accepts it'),
  })
  .describe('NodeType');

/** GET /node-templates/node-types answer. */
export const nodeTypeListSchema = z.object({ items: z.array(nodeTypeSchema), total: z.number().int().min(0) });

/** The page of GET /node-templates. */
export const nodeTemplatePageSchema = pageSchema(nodeTemplateResponseSchema);

export type CreateNodeTemplateInput = z.output<typeof createNodeTemplateSchema>;
export type UpdateNodeTemplateInput = z.output<typeof updateNodeTemplateSchema>;
export type ListNodeTemplatesQuery = z.output<typeof listNodeTemplatesQuerySchema>;
export type NodeTemplateResponse = z.output<typeof nodeTemplateResponseSchema>;

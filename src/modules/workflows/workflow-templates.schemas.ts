import { z } from 'zod';
import { workflowGraphSchema } from '../../engine/workflow/definition.js';
import { TEMPLATE_CATEGORIES } from './workflow-templates.js';
import { WORKFLOW_NAME_MAX_LENGTH } from './workflows.schemas.js';

/** A template id in a path. */
export const templateIdSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a kebab-case slug such as "rag-qa"')
  .describe('Template id, a kebab-case slug such as "rag-qa"');

/** GET /workflows/templates query. */
export const listTemplatesQuerySchema = z.object({
  category: z.enum(TEMPLATE_CATEGORIES).optional().describe('Only templates of this category'),
  search: z.string().trim().max(200).optional().describe('Case-insensitive match on id, name, description or tags'),
});

const templateFields = {
  id: templateIdSchema,
  name: z.string(),
  description: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  tags: z.array(z.string()),
};

/** One entry of the template list. */
export const templateSummarySchema = z
  .object({ ...templateFields, node_count: z.number().int().min(0).describe('Nodes of the top-level graph') })
  .describe('WorkflowTemplateSummary');

/** GET /workflows/templates answer: every template that matches, in catalogue order. */
export const templateListSchema = z.object({ items: z.array(templateSummarySchema), total: z.number().int().min(0) });

/** A whole template: what a workflow created from it starts with. */
export const templateDetailSchema = z
  .object({
    ...templateFields,
    inputs_example: z.record(z.string(), z.unknown()).describe('An execution input the start node accepts'),
    graph: workflowGraphSchema.describe('The graph a created workflow gets; model nodes use the default model'),
    environment: z.record(z.string(), z.string()).describe('The {{env.NAME}} values a created workflow gets'),
  })
  .describe('WorkflowTemplate');

/** POST /workflows/templates/{id}/create body; it may be left out (no body at all reaches the handler as null). */
export const createFromTemplateSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(WORKFLOW_NAME_MAX_LENGTH)
      .optional()
      .describe('Name of the new workflow; default: the template name. A name you already use gets " (2)", " (3)" ... appended'),
    description: z.string().max(2000).optional().describe("Description of the new workflow; default: the template's"),
  })
  .strict()
  .nullish();

export type ListTemplatesQuery = z.output<typeof listTemplatesQuerySchema>;
export type TemplateSummary = z.output<typeof templateSummarySchema>;
export type TemplateDetail = z.output<typeof templateDetailSchema>;
export type CreateFromTemplateInput = NonNullable<z.output<typeof createFromTemplateSchema>>;

import { z } from 'zod';
import { workflowGraphSchema } from '../../engine/workflow/definition.js';
import { pageSchema, paginationQuerySchema } from '../../platform/http/schemas.js';

/** The format tag and version of an export document; import refuses any other. */
export const WORKFLOW_EXPORT_FORMAT = 'tiangong.workflow';
export const WORKFLOW_EXPORT_FORMAT_VERSION = 1;
/** The longest workflow name. */
export const WORKFLOW_NAME_MAX_LENGTH = 100;

/** `{nodes, edges}`: the shape is checked here; the graph rules are reported by validation, not refused. */
export const graphSchema = workflowGraphSchema
  .strict()
  .describe('The workflow graph: nodes (id, type, label, config, position, error_policy) and edges (source, target, source_handle)');

const environmentNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'letters, digits and _, not starting with a digit');

/** `{{env.NAME}}` values of a workflow. */
export const environmentSchema = z
  .record(environmentNameSchema, z.string().max(10_000))
  .refine((environment) => Object.keys(environment).length <= 100, { message: 'at most 100 environment variables' })
  .describe('Values the nodes read as {{env.NAME}}');

const workflowFields = {
  name: z.string().trim().min(1).max(WORKFLOW_NAME_MAX_LENGTH).describe('Unique among your workflows'),
  description: z.string().max(2000),
  graph: graphSchema,
  environment: environmentSchema,
};

/** POST /workflows body: a draft may break graph rules (see /validate), but not the shape. */
export const createWorkflowSchema = z
  .object({
    ...workflowFields,
    description: workflowFields.description.default(''),
    environment: workflowFields.environment.default({}),
  })
  .strict();

/** PUT /workflows/{id} body: any subset of the fields; every update is a new version. */
export const updateWorkflowSchema = z
  .object(workflowFields)
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' });

/** POST /workflows/validate body. */
export const validateWorkflowSchema = z
  .object({
    graph: graphSchema,
    environment: environmentSchema
      .optional()
      .describe('When given, every {{env.NAME}} must be one of these names; when absent, env references are not checked'),
  })
  .strict();

/** GET /workflows query. */
export const listWorkflowsQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(200).optional().describe('Matches name or description'),
});

/** GET /workflows/{id}/versions query. */
export const listVersionsQuerySchema = paginationQuerySchema;

/** A version number in a path: 1, 2, 3 ... */
export const versionNumberSchema = z.coerce.number().int().min(1).max(1_000_000).describe('Version number, from 1');

/** The editable content of a workflow, as versions and exports keep it. */
export const workflowDefinitionSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    graph: workflowGraphSchema,
    environment: z.record(z.string(), z.string()),
  })
  .describe('WorkflowDefinition');

/** A workflow as the API shows it (the webhook secret is never in it). */
export const workflowResponseSchema = workflowDefinitionSchema
  .extend({
    id: z.uuid(),
    version: z.number().int().min(1).describe('Goes up by one with every update and rollback'),
    owner_id: z.uuid(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    webhook: z
      .object({
        url_by_id: z.string().describe('Path that triggers this workflow by its id'),
        url_by_name: z.string().describe('Path that triggers this workflow by its owner and name'),
      })
      .describe('Webhook paths (relative to the server); calls are signed with the webhook secret'),
  })
  .describe('Workflow');

/** A problem of a graph, with the node it is about. */
export const workflowIssueSchema = z.object({
  code: z.string().describe('UPPER_SNAKE: CYCLE, DANGLING_EDGE, NODE_TYPE_UNKNOWN, UNKNOWN_VARIABLE ...'),
  message: z.string(),
  node_id: z.string().optional().describe('The node the problem is about, when there is one'),
  path: z.string().describe('Where in the definition, e.g. "nodes.3.config.prompt"'),
});

/** POST /workflows/validate answer. */
export const validationResultSchema = z
  .object({
    valid: z.boolean().describe('True when there is no issue: the workflow can run'),
    issues: z.array(workflowIssueSchema),
  })
  .describe('WorkflowValidation');

/** One entry of the version history. */
export const versionSummarySchema = z.object({
  version: z.number().int().min(1),
  note: z.string().describe('What made it: create, update, import, "rollback to v2"'),
  created_at: z.iso.datetime(),
});

/** The version history page. */
export const versionPageSchema = pageSchema(versionSummarySchema);

/** One version with its full definition. */
export const versionDetailSchema = versionSummarySchema
  .extend({ definition: workflowDefinitionSchema })
  .describe('WorkflowVersion');

/** The export document; import takes the same shape. */
export const workflowExportSchema = z
  .object({
    format: z.literal(WORKFLOW_EXPORT_FORMAT),
    format_version: z.literal(WORKFLOW_EXPORT_FORMAT_VERSION),
    exported_at: z.iso.datetime().optional(),
    workflow: z
      .object({
        name: workflowFields.name,
        description: workflowFields.description.default(''),
        graph: graphSchema,
        environment: workflowFields.environment.default({}),
      })
      .strict()
      .describe('The definition: no ids, no owner, no webhook secret'),
  })
  .strict()
  .describe('WorkflowExport');

/** The webhook secret, shown to the owner on demand and after a rotation. */
export const webhookSecretSchema = z
  .object({ secret: z.string().describe('Random 32 bytes, base64url; sign webhook calls with it') })
  .describe('WebhookSecret');

export type CreateWorkflowInput = z.output<typeof createWorkflowSchema>;
export type UpdateWorkflowInput = z.output<typeof updateWorkflowSchema>;
export type ListWorkflowsQuery = z.output<typeof listWorkflowsQuerySchema>;
export type ListVersionsQuery = z.output<typeof listVersionsQuerySchema>;
export type WorkflowResponse = z.output<typeof workflowResponseSchema>;
export type WorkflowExport = z.output<typeof workflowExportSchema>;
export type WorkflowIssueResponse = z.output<typeof workflowIssueSchema>;
export type ValidationResult = z.output<typeof validationResultSchema>;
export type VersionSummary = z.output<typeof versionSummarySchema>;
export type VersionDetail = z.output<typeof versionDetailSchema>;

import { z } from 'zod';
import { paginationQuerySchema } from '../../platform/http/schemas.js';
import { inlineModelConfigSchema } from '../agent-chat/chat.schemas.js';

const graphNodeSchema = z
  .object({
    id: z.string().trim().min(1).max(100),
    type: z.string().trim().min(1).max(50),
    label: z.string().max(200).optional(),
  })
  .catchall(z.unknown());

const graphEdgeSchema = z
  .object({ source: z.string().min(1).max(100), target: z.string().min(1).max(100) })
  .catchall(z.unknown());

/** `{nodes, edges}` of an agent's workflow; the graph rules are checked by the service. */
export const workflowConfigSchema = z.object({
  nodes: z.array(graphNodeSchema).max(500),
  edges: z.array(graphEdgeSchema).max(2000),
});

const variableSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'letters, digits and _, not starting with a digit'),
    description: z.string().max(500).optional(),
    default: z.string().max(2000).optional(),
    required: z.boolean().optional(),
  })
  .strict();

const memorySchema = z
  .object({
    history_messages: z.number().int().min(0).max(200).default(40).describe('Most recent messages sent to the model'),
    history_tokens: z.number().int().min(0).max(200_000).default(12_000).describe('Token budget of that history'),
  })
  .strict();

/** The editable fields of an agent (create body; update takes any subset). */
const agentFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  system_prompt: z.string().max(50_000),
  model_config: inlineModelConfigSchema.nullable().describe('Inline model: {provider, model_name, temperature}'),
  model_config_id: z.uuid().nullable().describe('Or one of your model configs'),
  iteration_limit: z.number().int().min(1).max(100).describe('Most model/tool steps per turn'),
  include_tools: z.array(z.string().min(1).max(100)).max(100).describe('Built-in or custom tool names'),
  knowledge_base_ids: z.array(z.uuid()).max(20),
  workflow_config: workflowConfigSchema.nullable(),
  memory: memorySchema,
  opening_message: z.string().max(2000).nullable(),
  suggested_questions: z.array(z.string().min(1).max(500)).max(10),
  variables: z.array(variableSchema).max(50),
};

/** POST /agents body. */
export const createAgentSchema = z
  .object({
    ...agentFields,
    description: agentFields.description.default(''),
    system_prompt: agentFields.system_prompt.default(''),
    model_config: agentFields.model_config.default(null),
    model_config_id: agentFields.model_config_id.default(null),
    iteration_limit: agentFields.iteration_limit.default(15),
    include_tools: agentFields.include_tools.default([]),
    knowledge_base_ids: agentFields.knowledge_base_ids.default([]),
    workflow_config: agentFields.workflow_config.default(null),
    memory: memorySchema.default({ history_messages: 40, history_tokens: 12_000 }),
    opening_message: agentFields.opening_message.default(null),
    suggested_questions: agentFields.suggested_questions.default([]),
    variables: agentFields.variables.default([]),
  })
  .strict()
  .refine((body) => !(body.model_config && body.model_config_id), {
    message: 'Give model_config or model_config_id, not both',
    path: ['model_config_id'],
  });

/** PUT /agents/{id} body: any subset of the fields (memory too); the version goes up by one. */
export const updateAgentSchema = z
  .object({
    ...agentFields,
    memory: z
      .object({
        history_messages: z.number().int().min(0).max(200),
        history_tokens: z.number().int().min(0).max(200_000),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })
  .refine((body) => !(body.model_config && body.model_config_id), {
    message: 'Give model_config or model_config_id, not both',
    path: ['model_config_id'],
  });

/** GET /agents query. */
export const listAgentsQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(200).optional().describe('Matches name or description'),
  status: z.enum(['draft', 'published', 'stopped']).optional(),
});

/** A main agent's coordination (set by POST /agents/{id}/create-main-agent, not by create or update). */
export const coordinationSchema = z
  .object({
    sub_agent_ids: z.array(z.uuid()).describe('The agents it delegates to (one delegate_to_<name> tool each)'),
    max_delegation_depth: z.number().int().describe('How many levels of delegation may go below it'),
  })
  .describe('Present only on a main agent');

const definitionShape = {
  ...agentFields,
  memory: z.object({ history_messages: z.number().int(), history_tokens: z.number().int() }),
  coordination: coordinationSchema.optional(),
};

/** An agent as the API shows it. */
export const agentResponseSchema = z
  .object({
    id: z.uuid(),
    ...definitionShape,
    status: z.enum(['draft', 'published', 'stopped']),
    version: z.number().int().min(1),
    owner_id: z.uuid(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .describe('Agent');

/** One stored version of an agent. */
export const agentVersionSchema = z.object({
  version: z.number().int().min(1),
  created_at: z.iso.datetime(),
  definition: z.object(definitionShape),
});

/** The export document; import takes the same shape. */
export const agentExportSchema = z
  .object({
    format: z.literal('tiangong.agent'),
    format_version: z.literal(1),
    exported_at: z.iso.datetime().optional(),
    agent: z
      .object(agentFields)
      .omit({ model_config_id: true })
      .strict()
      .describe('The definition; a stored model config is not exported (its key stays home): pick one after import'),
  })
  .strict()
  .describe('AgentExport');

export type CreateAgentInput = z.output<typeof createAgentSchema>;
export type UpdateAgentInput = z.output<typeof updateAgentSchema>;
export type ListAgentsQuery = z.output<typeof listAgentsQuerySchema>;
export type AgentResponse = z.output<typeof agentResponseSchema>;
export type AgentExport = z.output<typeof agentExportSchema>;

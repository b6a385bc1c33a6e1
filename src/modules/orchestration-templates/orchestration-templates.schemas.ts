import { z } from 'zod';
import { pageSchema, paginationQuerySchema } from '../../platform/http/schemas.js';
import {
  distinctAgentIdsSchema,
  graphConfigSchema,
  graphInputSchema,
  judgeAgentIdSchema,
  orchestrationMessageSchema,
  pipelineOutputSchema,
  roundsSchema,
  routerModelSchema,
  routerPromptSchema,
  sequentialAgentIdsSchema,
  stageSchema,
  streamSchema,
} from '../orchestration/orchestration-fields.js';
import { ORCHESTRATION_LIMITS } from '../orchestration/orchestration.errors.js';

const modes = ['route', 'sequential', 'pipeline', 'debate', 'graph'] as const;

const common = {
  name: z.string().trim().min(1).max(100).describe('Unique among your orchestration templates'),
  description: z.string().max(2000).default(''),
};

/** A template names every stage's agent: there is no executing agent to fall back on. */
const templateStageSchema = stageSchema.extend({ agent_id: z.uuid().describe('The agent of this stage') }).strict();

/** POST /orchestration-templates body: a name, a mode and that mode's fields. */
export const createTemplateSchema = z.discriminatedUnion('mode', [
  z
    .object({
      ...common,
      mode: z.literal('route'),
      agent_ids: distinctAgentIdsSchema('The agents the router chooses from'),
      router_prompt: routerPromptSchema.optional(),
      model_config_id: routerModelSchema.optional(),
    })
    .strict(),
  z.object({ ...common, mode: z.literal('sequential'), agent_ids: sequentialAgentIdsSchema }).strict(),
  z
    .object({
      ...common,
      mode: z.literal('pipeline'),
      stages: z.array(templateStageSchema).min(1).max(ORCHESTRATION_LIMITS.stages).describe(`The stages in order (1 to ${ORCHESTRATION_LIMITS.stages})`),
      output: pipelineOutputSchema.optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      mode: z.literal('debate'),
      agent_ids: distinctAgentIdsSchema('The debaters, in speaking order'),
      judge_agent_id: judgeAgentIdSchema,
      rounds: roundsSchema,
    })
    .strict(),
  z
    .object({
      ...common,
      mode: z.literal('graph'),
      agent_id: z.uuid().optional().describe('The executing agent: its workflow_config (unless one is given), and agent nodes without agent_id'),
      workflow_config: graphConfigSchema.optional(),
      input: graphInputSchema.optional(),
    })
    .strict()
    .refine((body) => body.agent_id !== undefined || body.workflow_config !== undefined, {
      message: 'Give agent_id (its workflow_config runs) or workflow_config',
      path: ['workflow_config'],
    }),
]);

/** PUT /orchestration-templates/{id} body: any fields; null removes an optional one; the result is checked as a whole. */
export const updateTemplateSchema = z
  .object({
    name: common.name,
    description: z.string().max(2000),
    mode: z.enum(modes).describe('A new mode drops the fields of the old one: give the new mode its fields'),
    agent_ids: z.array(z.uuid()).max(ORCHESTRATION_LIMITS.agents),
    rounds: z.number().int(),
    judge_agent_id: z.uuid(),
    router_prompt: z.string().nullable(),
    model_config_id: z.uuid().nullable(),
    stages: z.array(stageSchema).max(ORCHESTRATION_LIMITS.stages),
    output: z.string().nullable(),
    agent_id: z.uuid().nullable(),
    workflow_config: graphConfigSchema.nullable(),
    input: graphInputSchema.nullable(),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' });

/** GET /orchestration-templates query. */
export const listTemplatesQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(200).optional().describe('Matches name or description'),
  mode: z.enum(modes).optional().describe('Only templates of this mode'),
});

/** POST /orchestration-templates/{id}/run body. */
export const runTemplateBodySchema = z
  .object({ message: orchestrationMessageSchema, stream: streamSchema(true) })
  .strict();

/** An orchestration template as the API shows it. */
export const templateResponseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    mode: z.enum(modes),
    agent_ids: z.array(z.uuid()).optional(),
    rounds: z.number().int().optional(),
    judge_agent_id: z.uuid().optional(),
    router_prompt: z.string().optional(),
    model_config_id: z.uuid().optional(),
    stages: z.array(z.object({ name: z.string(), agent_id: z.uuid(), input: z.string().optional() })).optional(),
    output: z.string().optional(),
    agent_id: z.uuid().optional(),
    workflow_config: z.record(z.string(), z.unknown()).optional(),
    input: z.record(z.string(), z.unknown()).optional(),
    owner_id: z.uuid(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .describe('OrchestrationTemplate');

export const templatePageSchema = pageSchema(templateResponseSchema);

export type CreateTemplateInput = z.output<typeof createTemplateSchema>;
export type UpdateTemplateInput = z.output<typeof updateTemplateSchema>;
export type ListTemplatesQuery = z.output<typeof listTemplatesQuerySchema>;
export type RunTemplateInput = z.output<typeof runTemplateBodySchema>;
export type TemplateResponse = z.output<typeof templateResponseSchema>;

import { z } from 'zod';
import { providerNames } from '../../platform/llm/providers.js';
import { modelParametersSchema } from '../model-configs/model-configs.schemas.js';
import { ORCHESTRATION_LIMITS } from '../orchestration/orchestration.errors.js';
import {
  distinctAgentIdsSchema,
  graphInputSchema,
  judgeAgentIdSchema,
  orchestrationMessageSchema,
  pipelineOutputSchema,
  roundsSchema,
  sequentialAgentIdsSchema,
  stagesSchema,
  streamSchema,
} from '../orchestration/orchestration-fields.js';

/** Token usage as every chat answer reports it. */
export const tokenUsageSchema = z.object({
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  total_tokens: z.number().int().min(0),
});

/** An inline model description, as agents store it: `{provider, model_name, temperature}`. */
export const inlineModelConfigSchema = z
  .object({ provider: z.enum(providerNames), model_name: z.string().trim().min(1).max(200) })
  .extend(modelParametersSchema.shape)
  .strict();

/** POST /agent-chat/bare body. */
export const bareChatBodySchema = z
  .object({
    message: z.string().trim().min(1).max(32_000).describe('The user message'),
    session_id: z.uuid().optional().describe('Continue this session (its history is sent to the model)'),
    system_prompt: z.string().max(20_000).optional().describe('Instructions for this turn'),
    model_config_id: z.uuid().optional().describe('Use this model config instead of the default'),
    model_config: inlineModelConfigSchema.optional().describe('Or describe the model inline'),
    parameters: modelParametersSchema.optional().describe('Override temperature, max_tokens, top_p for this turn'),
  })
  .strict()
  .refine((body) => !(body.model_config_id && body.model_config), {
    message: 'Give model_config_id or model_config, not both',
    path: ['model_config'],
  });

/** POST /agent-chat/{agent_id} body. */
export const agentChatBodySchema = z
  .object({
    message: z.string().trim().min(1).max(32_000).describe('The user message'),
    session_id: z.uuid().optional().describe("Continue this session of the agent (its history is sent)"),
    streamlined: z.boolean().optional().describe('Stream only the final answer (done), no tokens or tool events'),
  })
  .strict();

/** The answer of a non-streamed chat turn. */
export const chatResponseSchema = z
  .object({
    session_id: z.uuid(),
    message_id: z.uuid().describe('Id of the stored assistant message'),
    content: z.string().describe('The assistant answer'),
    model: z.string().describe('provider/model that answered'),
    finish_reason: z.string(),
    token_usage: tokenUsageSchema,
    run_id: z.uuid().describe('The run that produced the answer: GET /api/v1/runs/{run_id} for its events'),
    citations: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe("Agents with knowledge bases: the retrieved chunks the answer cites as [n]"),
  })
  .describe('ChatResponse');

/** POST /agents/{agent_id}/execute body: one mode and its fields; the agent itself leads the others. */
export const executeAgentBodySchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('agent').default('agent').describe('agent (default): one turn of this agent'),
      message: orchestrationMessageSchema,
      session_id: z.uuid().optional().describe('agent mode: continue this session'),
      stream: streamSchema(false),
    })
    .strict(),
  z
    .object({
      mode: z.literal('sequential').describe('sequential: this agent, then agent_ids in order, each given the previous answer'),
      message: orchestrationMessageSchema,
      agent_ids: sequentialAgentIdsSchema.max(ORCHESTRATION_LIMITS.agents - 1).describe(`The agents after this one, in order (at most ${ORCHESTRATION_LIMITS.agents - 1}: this agent counts)`),
      stream: streamSchema(false),
    })
    .strict(),
  z
    .object({
      mode: z.literal('pipeline').describe('pipeline: stages in order, inputs mapped from the message and earlier outputs'),
      message: orchestrationMessageSchema,
      stages: stagesSchema.describe('The stages in order; a stage without agent_id is this agent'),
      output: pipelineOutputSchema.optional(),
      stream: streamSchema(false),
    })
    .strict(),
  z
    .object({
      mode: z.literal('debate').describe('debate: agent_ids argue for rounds, then the judge (default: this agent) gives a verdict'),
      message: orchestrationMessageSchema,
      agent_ids: distinctAgentIdsSchema('The debaters, in speaking order'),
      judge_agent_id: judgeAgentIdSchema.optional().describe('The judge; default: this agent'),
      rounds: roundsSchema,
      stream: streamSchema(false),
    })
    .strict(),
  z
    .object({
      mode: z.literal('graph').describe("graph: this agent's workflow_config, agents as nodes, conditional edges"),
      message: orchestrationMessageSchema,
      input: graphInputSchema.optional(),
      stream: streamSchema(false),
    })
    .strict(),
]);

/** GET /agents/{agent_id}/preview-chat-history answer. */
export const chatHistorySchema = z.object({
  session_id: z.uuid().nullable().describe('null when the agent has no conversation with you yet'),
  messages: z.array(
    z.object({
      id: z.uuid(),
      role: z.enum(['user', 'assistant', 'tool']),
      content: z.string().describe('Text; for a tool message, the tool result'),
      tool_calls: z
        .array(z.object({ id: z.string(), name: z.string(), arguments: z.unknown() }))
        .nullable()
        .describe('Tools the assistant called in this message'),
      tool_call_id: z.string().nullable().describe('For a tool message: the call it answers'),
      tool_name: z.string().nullable(),
      model: z.string().nullable(),
      created_at: z.iso.datetime(),
    }),
  ),
});

export type BareChatInput = z.output<typeof bareChatBodySchema>;
export type AgentChatInput = z.output<typeof agentChatBodySchema>;
export type ChatResponse = z.output<typeof chatResponseSchema>;
export type ExecuteAgentInput = z.output<typeof executeAgentBodySchema>;

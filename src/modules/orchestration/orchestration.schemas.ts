import { z } from 'zod';
import { tokenUsageSchema } from '../agent-chat/chat.schemas.js';
import {
  distinctAgentIdsSchema,
  graphConfigSchema,
  graphInputSchema,
  judgeAgentIdSchema,
  orchestrationMessageSchema,
  roundsSchema,
  routerModelSchema,
  routerPromptSchema,
  sequentialAgentIdsSchema,
  streamSchema,
} from './orchestration-fields.js';

/** POST /agent-chat/orchestrate body: one of the modes route, sequential, debate. */
export const orchestrateBodySchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('route').describe('route: a router model picks the one agent for the message and says why'),
      message: orchestrationMessageSchema,
      agent_ids: distinctAgentIdsSchema('The agents the router chooses from'),
      router_prompt: routerPromptSchema.optional(),
      model_config_id: routerModelSchema.optional(),
      stream: streamSchema(true),
    })
    .strict(),
  z
    .object({
      mode: z.literal('sequential').describe('sequential: the agents in order, each given the previous answer'),
      message: orchestrationMessageSchema,
      agent_ids: sequentialAgentIdsSchema,
      stream: streamSchema(true),
    })
    .strict(),
  z
    .object({
      mode: z.literal('debate').describe('debate: the agents argue for some rounds, then the judge gives a verdict'),
      message: orchestrationMessageSchema,
      agent_ids: distinctAgentIdsSchema('The debaters, in speaking order'),
      judge_agent_id: judgeAgentIdSchema,
      rounds: roundsSchema,
      stream: streamSchema(true),
    })
    .strict(),
]);

/** POST /agent-chat/orchestrate/graph body. */
export const orchestrateGraphBodySchema = z
  .object({
    message: orchestrationMessageSchema,
    agent_id: z
      .uuid()
      .optional()
      .describe("The executing agent: its workflow_config runs (unless one is given), and agent nodes without agent_id are this agent"),
    workflow_config: graphConfigSchema.optional(),
    input: graphInputSchema.optional(),
    stream: streamSchema(true),
  })
  .strict()
  .refine((body) => body.agent_id !== undefined || body.workflow_config !== undefined, {
    message: 'Give agent_id (its workflow_config runs) or workflow_config',
    path: ['workflow_config'],
  });

const turnSchema = z
  .object({
    agent_id: z.uuid(),
    agent_name: z.string(),
    content: z.string(),
    run_id: z.uuid().describe("The agent's own run (a child of the orchestration's)"),
  })
  .catchall(z.unknown())
  .describe('One agent turn, with its labels: step (sequential), stage and stage_name (pipeline), round (debate), node_id (graph)');

/** The JSON answer of a non-streamed orchestration (the fields of its `done` event). */
export const orchestrationResultSchema = z
  .object({
    mode: z.enum(['sequential', 'pipeline', 'debate', 'route', 'graph']),
    content: z.string().describe('The final answer: the last agent, the output template, the verdict'),
    agent_id: z.uuid().nullable().describe('Who gave the final answer (null: the orchestrator)'),
    agent_name: z.string(),
    turns: z.array(turnSchema).describe('Every agent turn in order (the judge of a debate is in verdict)'),
    route: z.object({ agent_id: z.uuid(), agent_name: z.string(), reason: z.string() }).optional().describe('route: the choice and why'),
    rounds: z.number().int().optional().describe('debate: the rounds argued'),
    verdict: z
      .object({
        verdict: z.string(),
        reasons: z.array(z.string()),
        winner: z.object({ agent_id: z.uuid(), agent_name: z.string() }).nullable(),
        parsed: z.boolean().describe("false: the judge's answer was not the JSON asked for; verdict holds its whole answer"),
        problem: z.string().nullable(),
        run_id: z.uuid(),
      })
      .optional()
      .describe("debate: the judge's verdict"),
    output: z.record(z.string(), z.unknown()).optional().describe("graph: the workflow's output (its end node's outputs)"),
    token_usage: tokenUsageSchema.describe('Summed over every agent and model call'),
    run_id: z.uuid().describe('The orchestration run: GET /api/v1/runs/{run_id} and /events'),
  })
  .describe('OrchestrationResult');

export type OrchestrationResult = z.output<typeof orchestrationResultSchema>;
export type OrchestrateInput = z.output<typeof orchestrateBodySchema>;
export type OrchestrateGraphInput = z.output<typeof orchestrateGraphBodySchema>;

import { z } from 'zod';
import { STAGE_NAME_PATTERN } from '../../engine/orchestration/pipeline.js';
import { ORCHESTRATION_LIMITS } from './orchestration.errors.js';

/**
 * The fields of orchestration requests, shared by /agents/{id}/execute, /agent-chat/orchestrate and
 * orchestration templates. Nothing here imports the chat or agents schemas (they import this).
 */

const unique = (ids: readonly string[]) => new Set(ids).size === ids.length;

export const orchestrationMessageSchema = z.string().trim().min(1).max(32_000).describe('The user message (the topic of a debate)');

/** Agents asked in order (repeats allowed). */
export const sequentialAgentIdsSchema = z
  .array(z.uuid())
  .min(1)
  .max(ORCHESTRATION_LIMITS.agents)
  .describe(`Your agents, in the order they speak; each gets the previous answer (at most ${ORCHESTRATION_LIMITS.agents})`);

/** Agents that each speak once per round or may be chosen: no repeats. */
export const distinctAgentIdsSchema = (what: string) =>
  z
    .array(z.uuid())
    .min(2)
    .max(ORCHESTRATION_LIMITS.agents)
    .refine(unique, 'an agent may appear only once')
    .describe(`${what} (2 to ${ORCHESTRATION_LIMITS.agents}, no repeats)`);

export const roundsSchema = z
  .number()
  .int()
  .min(1)
  .max(ORCHESTRATION_LIMITS.rounds)
  .default(2)
  .describe(`Debate rounds; every debater speaks once per round (1 to ${ORCHESTRATION_LIMITS.rounds}, default 2)`);

export const judgeAgentIdSchema = z.uuid().describe('The agent that gives the verdict (JSON {verdict, reasons, winner})');

export const routerPromptSchema = z.string().trim().min(1).max(10_000).describe("Extra guidance for the router model (how to choose)");

export const routerModelSchema = z.uuid().describe('The model config the router uses (default: your default chat model)');

/** One pipeline stage. */
export const stageSchema = z
  .object({
    name: z.string().regex(STAGE_NAME_PATTERN, 'letters, digits, _ and -, starting with a letter or _').describe('Unique; later templates use {{stages.<name>.output}}'),
    agent_id: z.uuid().optional().describe('The agent of this stage'),
    input: z
      .string()
      .min(1)
      .max(20_000)
      .optional()
      .describe('Template of its input over {{input}} (the message), {{previous}} and {{stages.<earlier>.output}}; default {{previous}}'),
  })
  .strict();

export const stagesSchema = z.array(stageSchema).min(1).max(ORCHESTRATION_LIMITS.stages).describe(`The stages in order (1 to ${ORCHESTRATION_LIMITS.stages})`);

export const pipelineOutputSchema = z
  .string()
  .min(1)
  .max(20_000)
  .describe('Template of the final answer over {{input}}, {{previous}} and {{stages.<name>.output}}; default: the last stage output');

/** `{nodes, edges}` as agents store it; the graph rules are checked when it runs (or is saved). */
export const graphConfigSchema = z
  .object({
    nodes: z.array(z.record(z.string(), z.unknown())).max(1000),
    edges: z.array(z.record(z.string(), z.unknown())).max(5000),
  })
  .describe('A workflow graph with agent nodes ({"type": "agent", "config": {"agent_id", "message"}}), conditions and the other node types');

export const graphInputSchema = z.record(z.string(), z.unknown()).describe("More start-node inputs besides message (the graph's start node may declare them)");

export const streamSchema = (byDefault: boolean) =>
  z
    .boolean()
    .default(byDefault)
    .describe(`true: Server-Sent Events as the agents speak (X-Run-Id header); false: one JSON answer at the end (default ${byDefault})`);

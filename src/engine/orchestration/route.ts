import { z } from 'zod';
import { routerChoiceInvalid } from './orchestration.errors.js';
import { speakerOf, turnOf, type ModeAgent, type ModeContext, type ModeResult } from './mode-context.js';
import { jsonObjectIn } from './verdict.js';

/** What the router model answered: its text, and the parsed object when structured output worked. */
export interface RouterAnswer {
  text: string;
  object?: unknown;
}

/** A structured-output model call: the router. */
export type RouterModel = (request: { system: string; prompt: string; schema: Record<string, unknown>; signal: AbortSignal }) => Promise<RouterAnswer>;

/** The JSON Schema of the router's answer. */
export const ROUTE_ANSWER_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    agent_id: { type: 'string', description: 'The id of the chosen agent' },
    reason: { type: 'string', description: 'One short sentence on why this agent fits the message' },
  },
  required: ['agent_id', 'reason'],
  additionalProperties: false,
};

const routeAnswerSchema = z.object({
  agent_id: z.string().optional(),
  agent: z.string().optional(),
  agent_name: z.string().optional(),
  reason: z.unknown().optional(),
});

/** A candidate as the router sees it: id, name and what it is for. */
export interface RouteCandidate extends ModeAgent {
  definition: { name: string; description?: string };
}

/** The router's system prompt: the task, the candidates and the caller's own guidance. */
export function routerSystemPrompt(candidates: readonly RouteCandidate[], routerPrompt?: string): string {
  const lines = candidates.map((agent) =>
    [`- id: ${agent.id}`, `  name: ${agent.definition.name}`, ...(agent.definition.description ? [`  description: ${agent.definition.description}`] : [])].join('\n'),
  );
  return [
    "Choose the one agent best suited to answer the user's message.",
    'Answer with the id of the chosen agent and a short reason.',
    '',
    'Agents:',
    ...lines,
    ...(routerPrompt ? ['', `Instructions: ${routerPrompt}`] : []),
  ].join('\n');
}

/**
 * The agent the router picked and why. Reads the structured object (or the JSON in the text),
 * takes `agent_id` (or `agent`, `agent_name`) and matches it to a candidate by id, then by name
 * ignoring case; anything else is ORCHESTRATION_ROUTE_INVALID with what the router said.
 */
export function pickRoute<Agent extends RouteCandidate>(answer: RouterAnswer, candidates: readonly Agent[]): { agent: Agent; reason: string } {
  const object = answer.object !== null && typeof answer.object === 'object' ? answer.object : jsonObjectIn(answer.text);
  const parsed = routeAnswerSchema.safeParse(object);
  const named = parsed.success ? (parsed.data.agent_id ?? parsed.data.agent ?? parsed.data.agent_name)?.trim() : undefined;
  const wanted = named?.toLowerCase();
  const agent =
    candidates.find((candidate) => candidate.id.toLowerCase() === wanted) ??
    candidates.find((candidate) => candidate.definition.name.trim().toLowerCase() === wanted);
  if (!agent || !parsed.success) {
    throw routerChoiceInvalid(answer.text || JSON.stringify(answer.object ?? null), candidates.map((candidate) => `${candidate.definition.name} (${candidate.id})`));
  }
  const reason = typeof parsed.data.reason === 'string' ? parsed.data.reason.trim() : '';
  return { agent, reason };
}

/**
 * `route`: a router model picks the one agent for the message and says why; that agent answers.
 * Steps: ask the router (structured output) with the candidates; match its pick (see
 * {@link pickRoute}); announce `route` {reason, candidates} as the chosen agent; ask it.
 */
export async function runRoute<Agent extends RouteCandidate>(
  context: ModeContext<Agent>,
  options: { candidates: readonly Agent[]; message: string; routerPrompt?: string | undefined; router: RouterModel },
): Promise<ModeResult> {
  const { candidates, message } = options;
  if (candidates.length === 0) throw new Error('runRoute needs candidates');
  context.signal.throwIfAborted();
  const answer = await options.router({
    system: routerSystemPrompt(candidates, options.routerPrompt),
    prompt: message,
    schema: ROUTE_ANSWER_SCHEMA,
    signal: context.signal,
  });
  const { agent, reason } = pickRoute(answer, candidates);
  const speaker = speakerOf(agent);
  context.emit('route', { reason, candidates: candidates.map(speakerOf) }, speaker);
  context.signal.throwIfAborted();
  const spoken = await context.speak(agent, message, { labels: { role: 'routed' } });
  const route = { ...speaker, reason };
  return { speaker, output: { content: spoken.content, route, turns: [turnOf(spoken)] } };
}

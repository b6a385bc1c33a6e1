import type { TokenUsage } from '../../platform/llm/llm-call.js';

/**
 * What an orchestration mode needs from the platform: ask one agent, tell the client, know when to
 * stop. The modes are plain functions over this interface, so they run against a fake in unit tests
 * and against durable runs (each agent a child run, every event in the run's log) in the product.
 */

/** An agent taking part, as far as a mode cares: its id and its name. */
export interface ModeAgent {
  id: string;
  definition: { name: string };
}

/** Who an event is about; `agent_id` null for the orchestrator itself. */
export interface ModeSpeaker {
  agent_id: string | null;
  agent_name: string;
}

/** One agent's answer: its text, its own run (a child of the orchestration's), session and usage. */
export interface ModeAnswer {
  agent_id: string;
  agent_name: string;
  content: string;
  run_id: string;
  session_id: string;
  token_usage: TokenUsage;
}

/** How one agent is asked: labels for its `agent_start`/`agent_done` events, instructions added to its prompt. */
export interface ModeSpeakOptions {
  labels?: Record<string, unknown>;
  instructions?: string;
}

/** The platform as a mode sees it. */
export interface ModeContext<Agent extends ModeAgent> {
  /** Aborted when the run is cancelled: no new speaker starts after it. */
  readonly signal: AbortSignal;
  /** Asks one agent; its tokens reach the client under its name. */
  speak(agent: Agent, message: string, options?: ModeSpeakOptions): Promise<ModeAnswer>;
  /** A mode event (`round`, `stage`, `route`, `verdict` ...); the orchestrator speaks when `speaker` is absent. */
  emit(event: string, data: Record<string, unknown>, speaker?: ModeSpeaker): void;
}

/** What a mode ends with: who spoke last and the fields of the final `done` event. */
export interface ModeResult {
  speaker: ModeSpeaker;
  output: Record<string, unknown>;
}

/** One agent's turn as a mode's result lists it: who answered, what, in which run, and the mode's labels. */
export interface Turn {
  agent_id: string;
  agent_name: string;
  content: string;
  run_id: string;
  [label: string]: unknown;
}

/** The speaker fields of an agent. */
export function speakerOf(agent: ModeAgent): ModeSpeaker & { agent_id: string } {
  return { agent_id: agent.id, agent_name: agent.definition.name };
}

/** The speaker of events nobody in particular says (a round starts). */
export const orchestrator: ModeSpeaker = { agent_id: null, agent_name: 'orchestrator' };

/** A turn as results list it: who answered, what, in which run, with the mode's labels. */
export function turnOf(answer: ModeAnswer, labels: Record<string, unknown> = {}): Turn {
  return { ...labels, agent_id: answer.agent_id, agent_name: answer.agent_name, content: answer.content, run_id: answer.run_id };
}

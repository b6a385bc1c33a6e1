import type { Actor } from '../../platform/http/authenticate.js';

/** Sources retrieved for a turn: the prompt that presents them, and how to tell which an answer cites. */
export interface GroundedContext {
  /** The system-prompt block listing the numbered sources and asking for [n] citations. */
  prompt: string;
  /** The sources as the `retrieval` event and `done` show them, each with its number. */
  sources: Array<Record<string, unknown>>;
  /** The sources an answer cites. */
  cite(answer: string): Array<Record<string, unknown>>;
}

/** Grounds chat turns in knowledge bases (the knowledge module implements it). */
export interface Grounding {
  /** Retrieves sources for the message from the caller's bases; null when none is readable or nothing matched. */
  ground(
    actor: Actor,
    options: { knowledgeBaseIds: readonly string[]; query: string; signal: AbortSignal; runId: string },
  ): Promise<GroundedContext | null>;
}

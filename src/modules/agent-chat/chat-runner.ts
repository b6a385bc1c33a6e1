import type { RunKind } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { RunExecutor, RunsService } from '../runs/runs.service.js';
import { toWireEvent, type WireEvent } from './chat-events.js';
import type { TokenUsage } from '../../platform/llm/llm-call.js';
import type { ChatResponse } from './chat.schemas.js';
import type { ChatService, ChatTurnRequest, PreparedTurn, TurnDone } from './chat.service.js';
import type { GroundedContext, Grounding } from './grounding.js';
import type { RunContext } from '../runs/runs.service.js';

/** How a turn is started: what kind of run it is, and the signal of a caller who may hang up. */
export interface ChatRunOptions {
  kind?: RunKind;
  signal?: AbortSignal;
  /** The run this turn serves (an agent calling another agent), for the call chain. */
  parentRunId?: string | null;
}

/** What a spoken turn leaves: the answer, its session, its run and what it cost. */
export interface SpokenTurn {
  session_id: string;
  run_id: string;
  content: string;
  model: string;
  token_usage: TokenUsage;
}

/**
 * Executes chat turns as durable runs: the turn's events go to the run's log, so the HTTP stream
 * is only a subscriber, and a client that leaves can re-attach or cancel.
 */
export class ChatRunner {
  constructor(private readonly deps: { chat: ChatService; runs: RunsService; grounding?: Grounding }) {}

  /** One turn, answered when it is done; a caller who hangs up cancels it. */
  async reply(actor: Actor, request: ChatTurnRequest, options: ChatRunOptions = {}): Promise<ChatResponse> {
    const { chat } = this.deps;
    // Nobody knows a new session's id before this answer, so it is stored with the turn.
    const turn = await chat.prepare(actor, request, { createSession: false });
    const run = await this.start(actor, turn, { ...options, storeWhenDone: true }, async (context) => {
      const grounded = await this.ground(actor, turn, context);
      const response = await chat.complete(grounded.turn, context.signal);
      const answer = { ...response, ...citationsOf(grounded.context, response.content) };
      context.emit('done', { type: 'done', ...answer, run_id: context.runId });
      return { output: answer, usage: response.token_usage };
    });
    const settled = await run.settled;
    if (settled.error) throw settled.error;
    return { ...(settled.output as Omit<ChatResponse, 'run_id'>), run_id: run.id };
  }

  /** Starts a streamed turn in the background and answers at once with its session and run. */
  async startStream(actor: Actor, request: ChatTurnRequest, options: ChatRunOptions = {}) {
    const turn = await this.deps.chat.prepare(actor, request);
    const run = await this.start(actor, turn, options, this.streamed(actor, turn));
    return { sessionId: turn.sessionId, runId: run.id };
  }

  /**
   * One streamed turn that the caller waits for, as a run of its own (a child when `parentRunId` is
   * set): every wire event also goes to `onEvent`, so an orchestration can relay who is speaking.
   * Rejects with the turn's error; a new session is stored with the turn, as in `reply`.
   */
  async speak(actor: Actor, request: ChatTurnRequest, options: ChatRunOptions & { onEvent?: (event: WireEvent) => void } = {}): Promise<SpokenTurn> {
    const turn = await this.deps.chat.prepare(actor, request, { createSession: false });
    const run = await this.start(actor, turn, { ...options, storeWhenDone: true }, this.streamed(actor, turn, options.onEvent));
    const settled = await run.settled;
    if (settled.error) throw settled.error;
    const output = settled.output as { session_id: string; content: string; model: string; token_usage: TokenUsage };
    return { ...output, run_id: run.id };
  }

  /** The executor of a streamed turn: grounding, then the model's events into the run's log. */
  private streamed(actor: Actor, turn: PreparedTurn, onEvent?: (event: WireEvent) => void): RunExecutor {
    return async (context) => {
      const grounded = await this.ground(actor, turn, context);
      let done: TurnDone | undefined;
      for await (const event of this.deps.chat.stream(grounded.turn, context.signal)) {
        if (event.type === 'turn-done') done = event;
        let wire = toWireEvent(event);
        if (wire?.event === 'done') {
          wire = { event: 'done', data: { ...wire.data, run_id: context.runId, ...citationsOf(grounded.context, String(wire.data.content)) } };
        }
        if (!wire) continue;
        context.emit(wire.event, wire.data);
        onEvent?.(wire);
      }
      if (!done) throw context.signal.reason ?? new Error('The turn ended without an answer');
      const output = { session_id: done.sessionId, message_id: done.messageId, content: done.text, model: done.model, token_usage: done.usage };
      return { output: { ...output, finish_reason: done.finishReason, stop_reason: done.stopReason }, usage: done.usage };
    };
  }

  /**
   * Retrieves sources from the turn's knowledge bases and adds them to its system prompt; the
   * `retrieval` event shows them before the answer. A failure frees the session and fails the run.
   */
  private async ground(actor: Actor, turn: PreparedTurn, context: RunContext): Promise<{ turn: PreparedTurn; context: GroundedContext | null }> {
    const { grounding, chat } = this.deps;
    if (!grounding || turn.knowledgeBaseIds.length === 0) return { turn, context: null };
    let grounded: GroundedContext | null;
    try {
      grounded = await grounding.ground(actor, {
        knowledgeBaseIds: turn.knowledgeBaseIds,
        query: turn.userMessage,
        signal: context.signal,
        runId: context.runId,
      });
    } catch (error) {
      await chat.release(turn);
      throw error;
    }
    if (!grounded) return { turn, context: null };
    context.emit('retrieval', { type: 'retrieval', sources: grounded.sources });
    const system = [turn.system, grounded.prompt].filter(Boolean).join('\n\n');
    return { turn: { ...turn, system }, context: grounded };
  }

  private async start(actor: Actor, turn: PreparedTurn, options: ChatRunOptions & { storeWhenDone?: boolean }, executor: RunExecutor) {
    const spec = {
      id: turn.turnId,
      kind: options.kind ?? 'chat',
      agentId: turn.agentId,
      sessionId: turn.sessionId,
      input: { message: turn.userMessage },
      parentRunId: options.parentRunId ?? null,
      storeWhenDone: options.storeWhenDone ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    try {
      return await this.deps.runs.start(actor, spec, executor);
    } catch (error) {
      await this.deps.chat.release(turn);
      throw error;
    }
  }
}

/** The `citations` field of an answer grounded in knowledge bases; nothing for other answers. */
function citationsOf(grounded: GroundedContext | null, answer: string): { citations?: Array<Record<string, unknown>> } {
  return grounded ? { citations: grounded.cite(answer) } : {};
}

import type { ModelMessage, ToolSet } from 'ai';
import { generateTurn, streamTurn, type TurnEvent, type TurnResult } from '../../engine/agent-runtime/turn.js';
import { toToolSet, type ToolCallObserver } from '../../engine/tools/tool-set.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import { selectHistoryWindow, type HistoryLimits } from '../../engine/conversation/history-window.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { callSettings, type ModelGateway, type ModelSelector, type ResolvedChatModel } from '../../platform/llm/gateway.js';
import { providerFailure } from '../../platform/llm/llm-errors.js';
import { sessionBusy, sessionNotFound } from './chat.errors.js';
import type { ChatResponse } from './chat.schemas.js';
import type { ConversationsRepository, MessageRecord, SessionRecord } from './conversations.repository.js';
import { toHistoryMessage, toModelMessage, turnRows } from './turn-messages.js';

/** What the chat service is made of. */
export interface ChatServiceDeps {
  conversations: ConversationsRepository;
  gateway: ModelGateway;
  clock: Clock;
  ids: IdGenerator;
  /** Finds the tools a turn names (built-in and the caller's own); none when absent. */
  tools?: ToolResolver;
  /** Hears about every tool call, for usage records. */
  observeToolCall?: ToolCallObserver;
  /** A claim older than this is considered abandoned by a dead process (default 10 minutes). */
  staleTurnMs?: number;
}

/**
 * One chat turn as the service runs it, whoever asks: bare chat builds it from the request body,
 * agent chat from the agent's definition.
 */
export interface ChatTurnRequest {
  message: string;
  sessionId?: string | undefined;
  /** The agent the session belongs to; null for bare chat. A session of another agent is not found. */
  agentId: string | null;
  system?: string | undefined;
  selector: ModelSelector;
  history: HistoryLimits;
  /** Most model steps in the turn (the agent's iteration_limit); default 1. */
  maxSteps?: number;
  /** Tools by name (the agent's include_tools), resolved for the caller when the turn is prepared. */
  toolNames?: string[];
  /** Tools given directly, on top of the named ones. */
  tools?: ToolSet;
  /** Ends the turn after the step in which this becomes true (see TurnOptions.endTurnWhen). */
  endTurnWhen?: () => boolean;
  /**
   * Earlier messages the client keeps itself (an OpenAI-style stateless conversation), sent after
   * the stored session's history and before the message. They are not stored.
   */
  priorMessages?: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** Knowledge bases that ground the answer (the agent's knowledge_base_ids). */
  knowledgeBaseIds?: string[];
}

/** Finds tools by name for a caller: the registry's built-ins and, later, the caller's custom tools. */
export interface ToolResolver {
  resolve(actor: Actor, names: readonly string[]): Promise<RegisteredTool[]>;
}

/** A turn whose session is claimed and whose model is resolved; nothing has been sent yet. */
export interface PreparedTurn {
  sessionId: string;
  turnId: string;
  agentId: string | null;
  /** Set for a new session not yet stored: it is created together with the turn's messages. */
  newSession: { ownerId: string; agentId: string | null; title: string } | null;
  model: ResolvedChatModel;
  system: string | undefined;
  messages: ModelMessage[];
  userMessage: string;
  maxSteps: number;
  tools: ToolSet | undefined;
  endTurnWhen: (() => boolean) | undefined;
  knowledgeBaseIds: string[];
}

/** Which sessions to list: one page, optionally of one agent or matching a name, sorted. */
export interface SessionListQuery {
  agentId?: string | undefined;
  nameContains?: string | undefined;
  sortBy: 'created_at' | 'updated_at' | 'title';
  order: 'asc' | 'desc';
  page: number;
  page_size: number;
}

/** How much history a bare chat turn carries (agents set their own in `memory`). */
export const defaultHistoryLimits: HistoryLimits = { maxMessages: 40, maxTokens: 12_000 };

/** The last event of a streamed turn: the turn is stored. */
export type TurnDone = { type: 'turn-done'; sessionId: string; messageId: string; model: string } & Omit<TurnResult, 'responseMessages'>;

/** Chat turns: a message, the session's history, a model; stored when done, streamed or not. */
export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** Runs a prepared turn to the end and stores it; a failure frees the session and stores nothing. */
  async complete(turn: PreparedTurn, signal?: AbortSignal): Promise<Omit<ChatResponse, 'run_id'>> {
    let result: TurnResult;
    try {
      result = await generateTurn(this.turnOptions(turn, signal));
    } catch (error) {
      await this.release(turn);
      throw providerFailure(error, turn.model.label);
    }
    const messageId = await this.store(turn, result);
    return {
      session_id: turn.sessionId,
      message_id: messageId,
      content: result.text,
      model: turn.model.label,
      finish_reason: result.finishReason,
      token_usage: result.usage,
    };
  }

  /**
   * Claims the session and resolves the model; errors here are plain 4xx answers, before any stream
   * opens. A new session is stored (claimed) at once unless `createSession` is false.
   */
  async prepare(actor: Actor, input: ChatTurnRequest, options = { createSession: true }): Promise<PreparedTurn> {
    const { conversations, clock, ids } = this.deps;
    const turnId = ids.uuid();
    const tools = await this.toolsFor(actor, input, turnId);
    const now = clock.now();
    let history: MessageRecord[] = [];
    const sessionId = input.sessionId ?? ids.uuid();
    if (input.sessionId) {
      const session = await conversations.findById(actor.userId, input.sessionId);
      if (!session || session.agentId !== input.agentId) throw sessionNotFound(input.sessionId);
      const staleBefore = new Date(now.getTime() - (this.deps.staleTurnMs ?? 600_000));
      if (!(await conversations.claim(session.id, turnId, now, staleBefore))) throw sessionBusy(session.id);
      history = await conversations.recentMessages(session.id, input.history.maxMessages);
    }
    let model: ResolvedChatModel;
    try {
      // The turn id is its run's id, so the call log links every model call to its run (execution logs read it).
      const context = { userId: actor.userId, sessionId, agentId: input.agentId, runId: turnId };
      model = await this.deps.gateway.resolveChat(actor.userId, input.selector, context);
    } catch (error) {
      if (input.sessionId) await conversations.release(sessionId, turnId);
      throw error;
    }
    const title = input.message.slice(0, 60);
    const isNew = !input.sessionId;
    if (isNew && options.createSession) {
      await conversations.createClaimed({ id: sessionId, ownerId: actor.userId, agentId: input.agentId, title, turnId, now });
    }
    const window = selectHistoryWindow(history, input.history).map(toModelMessage);
    return {
      sessionId,
      turnId,
      agentId: input.agentId,
      newSession: isNew && !options.createSession ? { ownerId: actor.userId, agentId: input.agentId, title } : null,
      model,
      system: input.system,
      messages: [...window, ...(input.priorMessages ?? []), { role: 'user', content: input.message }],
      userMessage: input.message,
      maxSteps: input.maxSteps ?? 1,
      endTurnWhen: input.endTurnWhen,
      tools,
      knowledgeBaseIds: input.knowledgeBaseIds ?? [],
    };
  }

  /**
   * Streams a prepared turn. The last event is `turn-done`, after the turn is stored; a failure
   * (provider error, abort) frees the session, stores nothing and is thrown after the events so far.
   */
  async *stream(turn: PreparedTurn, signal: AbortSignal): AsyncGenerator<TurnEvent | TurnDone> {
    let finished: TurnResult | undefined;
    try {
      for await (const event of streamTurn(this.turnOptions(turn, signal))) {
        if (event.type === 'turn-finish') finished = event;
        else yield event;
      }
    } catch (error) {
      await this.release(turn);
      throw providerFailure(error, turn.model.label);
    }
    if (!finished) {
      await this.release(turn);
      return;
    }
    // Let the last tokens reach the socket before the (embedded, same-thread) database write runs.
    await new Promise((resolve) => setImmediate(resolve));
    const messageId = await this.store(turn, finished);
    const { text, usage, finishReason, steps, stopReason } = finished;
    const done = { sessionId: turn.sessionId, messageId, model: turn.model.label };
    yield { type: 'turn-done', ...done, text, usage, finishReason, steps, stopReason };
  }

  private turnOptions(turn: PreparedTurn, signal: AbortSignal | undefined) {
    return {
      model: turn.model.model,
      system: turn.system,
      messages: turn.messages,
      settings: callSettings(turn.model.parameters),
      signal,
      tools: turn.tools,
      maxSteps: turn.maxSteps,
      endTurnWhen: turn.endTurnWhen,
    };
  }

  private async store(turn: PreparedTurn, result: TurnResult): Promise<string> {
    const { clock, ids } = this.deps;
    const now = clock.now();
    const answerId = ids.uuid();
    const messages = turnRows({ userMessage: turn.userMessage, result, model: turn.model.label, answerId, newId: () => ids.uuid(), now });
    await this.deps.conversations.storeTurn({
      sessionId: turn.sessionId,
      turnId: turn.turnId,
      now,
      ...(turn.newSession ? { newSession: turn.newSession } : {}),
      messages,
    });
    return answerId;
  }

  /**
   * A session's messages in order: the given one, or the caller's most recent session with the agent
   * (the designer's preview conversation). No session yet is an empty history, not an error.
   */
  async history(actor: Actor, agentId: string, sessionId?: string) {
    const { conversations } = this.deps;
    const session = sessionId
      ? await conversations.findById(actor.userId, sessionId)
      : await conversations.latestWithAgent(actor.userId, agentId);
    if (sessionId && (!session || session.agentId !== agentId)) throw sessionNotFound(sessionId);
    if (!session) return { session_id: null, messages: [] };
    const messages = await conversations.messages(session.id);
    return { session_id: session.id, messages: messages.map(toHistoryMessage) };
  }

  /** The caller's agent sessions, one page, for faces that list conversations (bare chats are not listed). */
  async listSessions(actor: Actor, query: SessionListQuery) {
    const { page, page_size: limit, ...filter } = query;
    return this.deps.conversations.listAgentSessions(actor.userId, filter, { offset: (page - 1) * limit, limit });
  }

  /** One of the caller's sessions with its messages in order; SESSION_NOT_FOUND when it is not theirs. */
  async session(actor: Actor, sessionId: string) {
    const session = await this.deps.conversations.findById(actor.userId, sessionId);
    if (!session) throw sessionNotFound(sessionId);
    const messages = await this.deps.conversations.messages(session.id);
    return { session, messages: messages.map(toHistoryMessage) };
  }

  /** Gives one of the caller's sessions a new title. */
  async renameSession(actor: Actor, sessionId: string, title: string): Promise<SessionRecord> {
    const renamed = await this.deps.conversations.rename(actor.userId, sessionId, title, this.deps.clock.now());
    if (!renamed) throw sessionNotFound(sessionId);
    return renamed;
  }

  /** Deletes one of the caller's sessions with its messages; false when there was none. */
  async deleteSession(actor: Actor, sessionId: string): Promise<boolean> {
    return this.deps.conversations.delete(actor.userId, sessionId);
  }

  /** The turn's tool set: the named tools bound to the caller, agent and run, plus any given directly. */
  private async toolsFor(actor: Actor, input: ChatTurnRequest, runId: string): Promise<ToolSet | undefined> {
    const named = input.toolNames?.length && this.deps.tools ? await this.deps.tools.resolve(actor, input.toolNames) : [];
    if (named.length === 0) return input.tools;
    const context = { userId: actor.userId, agentId: input.agentId, runId };
    return { ...toToolSet(named, context, this.deps.observeToolCall), ...input.tools };
  }

  /** Frees the session of a failed turn; a session that was never stored has nothing to free. */
  async release(turn: PreparedTurn): Promise<void> {
    if (!turn.newSession) await this.deps.conversations.release(turn.sessionId, turn.turnId);
  }
}

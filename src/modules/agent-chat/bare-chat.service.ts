import type { ModelMessage } from 'ai';
import { generateTurn, streamTurn, type TurnEvent, type TurnResult } from '../../engine/agent-runtime/turn.js';
import { selectHistoryWindow, type HistoryLimits } from '../../engine/conversation/history-window.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { callSettings, type ModelGateway, type ModelSelector, type ResolvedChatModel } from '../../platform/llm/gateway.js';
import { providerFailure } from '../../platform/llm/llm-errors.js';
import { sessionBusy, sessionNotFound } from './chat.errors.js';
import type { BareChatInput, ChatResponse } from './chat.schemas.js';
import type { ConversationsRepository, MessageRecord } from './conversations.repository.js';

/** What the bare chat service is made of. */
export interface BareChatServiceDeps {
  conversations: ConversationsRepository;
  gateway: ModelGateway;
  clock: Clock;
  ids: IdGenerator;
  history: HistoryLimits;
  /** A claim older than this is considered abandoned by a dead process (default 10 minutes). */
  staleTurnMs?: number;
}

/** A turn whose session is claimed and whose model is resolved; nothing has been sent yet. */
export interface PreparedTurn {
  sessionId: string;
  turnId: string;
  /** Set for a new session not yet stored: it is created together with the turn's messages. */
  newSession: { ownerId: string; title: string } | null;
  model: ResolvedChatModel;
  system: string | undefined;
  messages: ModelMessage[];
  userMessage: string;
}

/** The last event of a streamed turn: the turn is stored. */
export type TurnDone = { type: 'turn-done'; sessionId: string; messageId: string; model: string } & TurnResult;

function toModelMessage(message: MessageRecord): ModelMessage {
  return message.role === 'assistant'
    ? { role: 'assistant', content: message.content }
    : { role: 'user', content: message.content };
}

function selectorOf(input: BareChatInput): ModelSelector {
  const parameters = input.parameters ?? {};
  if (input.model_config_id) return { modelConfigId: input.model_config_id, parameters };
  if (input.model_config) return { inline: { ...input.model_config, ...parameters } };
  return { parameters };
}

/** Chat without an agent: a message, optional history (session), optional system prompt and model. */
export class BareChatService {
  constructor(private readonly deps: BareChatServiceDeps) {}

  /** One turn, answered when the model is done. */
  async reply(actor: Actor, input: BareChatInput, signal?: AbortSignal): Promise<ChatResponse> {
    // Nobody knows a new session's id before this answer, so it is stored with the turn, in one statement.
    const turn = await this.prepare(actor, input, { createSession: false });
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
  async prepare(actor: Actor, input: BareChatInput, options = { createSession: true }): Promise<PreparedTurn> {
    const { conversations, clock, ids } = this.deps;
    const turnId = ids.uuid();
    const now = clock.now();
    let history: MessageRecord[] = [];
    const sessionId = input.session_id ?? ids.uuid();
    if (input.session_id) {
      const session = await conversations.findById(actor.userId, input.session_id);
      if (!session || session.agentId !== null) throw sessionNotFound(input.session_id);
      const staleBefore = new Date(now.getTime() - (this.deps.staleTurnMs ?? 600_000));
      if (!(await conversations.claim(session.id, turnId, now, staleBefore))) throw sessionBusy(session.id);
      history = await conversations.recentMessages(session.id, this.deps.history.maxMessages);
    }
    let model: ResolvedChatModel;
    try {
      model = await this.deps.gateway.resolveChat(actor.userId, selectorOf(input), { userId: actor.userId, sessionId });
    } catch (error) {
      if (input.session_id) await conversations.release(sessionId, turnId);
      throw error;
    }
    const title = input.message.slice(0, 60);
    const isNew = !input.session_id;
    if (isNew && options.createSession) {
      await conversations.createClaimed({ id: sessionId, ownerId: actor.userId, agentId: null, title, turnId, now });
    }
    const window = selectHistoryWindow(history, this.deps.history).map(toModelMessage);
    return {
      sessionId,
      turnId,
      newSession: isNew && !options.createSession ? { ownerId: actor.userId, title } : null,
      model,
      system: input.system_prompt,
      messages: [...window, { role: 'user', content: input.message }],
      userMessage: input.message,
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
    };
  }

  private async store(turn: PreparedTurn, result: TurnResult): Promise<string> {
    const now = this.deps.clock.now();
    const messageId = this.deps.ids.uuid();
    await this.deps.conversations.storeTurn({
      sessionId: turn.sessionId,
      turnId: turn.turnId,
      now,
      ...(turn.newSession ? { newSession: { ...turn.newSession, agentId: null } } : {}),
      messages: [
        { id: this.deps.ids.uuid(), role: 'user', content: turn.userMessage, createdAt: now },
        {
          id: messageId,
          role: 'assistant',
          content: result.text,
          model: turn.model.label,
          promptTokens: result.usage.prompt_tokens,
          completionTokens: result.usage.completion_tokens,
          createdAt: now,
        },
      ],
    });
    return messageId;
  }

  /** Frees the session of a failed turn; a session that was never stored has nothing to free. */
  private async release(turn: PreparedTurn): Promise<void> {
    if (!turn.newSession) await this.deps.conversations.release(turn.sessionId, turn.turnId);
  }
}

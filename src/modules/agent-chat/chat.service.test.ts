import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/app-error.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import { ChatService, type ChatTurnRequest } from './chat.service.js';
import type { ConversationsRepository, MessageRecord, SessionRecord } from './conversations.repository.js';

const usage = {
  inputTokens: { total: 4, noCache: 4, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 2, text: 2, reasoning: undefined },
};

function streamOf(parts: LanguageModelV3StreamPart[]) {
  return { stream: simulateReadableStream({ chunks: parts }) };
}

const answer: LanguageModelV3StreamPart[] = [
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hi ' },
  { type: 'text-delta', id: 't', delta: 'there' },
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } as never, usage },
];

/** An in-memory conversations store with the repository's claim semantics (and its parameter types, so the two cannot drift). */
class FakeConversations {
  sessions = new Map<string, SessionRecord>();
  messages = new Map<string, MessageRecord[]>();

  async createClaimed(session: Parameters<ConversationsRepository['createClaimed']>[0]) {
    const { turnId, now, ...identity } = session;
    const record = {
      ...identity,
      parentSessionId: null,
      forkedFromMessageId: null,
      activeTurnId: turnId,
      activeTurnStartedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    this.sessions.set(session.id, record);
    return record;
  }
  async findById(ownerId: string, id: string) {
    const session = this.sessions.get(id);
    return session?.ownerId === ownerId ? session : null;
  }
  async claim(sessionId: string, turnId: string) {
    const session = this.sessions.get(sessionId)!;
    if (session.activeTurnId) return false;
    session.activeTurnId = turnId;
    return true;
  }
  async release(sessionId: string, turnId: string) {
    const session = this.sessions.get(sessionId)!;
    if (session.activeTurnId === turnId) session.activeTurnId = null;
  }
  async recentMessages(sessionId: string, limit: number) {
    return (this.messages.get(sessionId) ?? []).slice(-limit);
  }
  async storeTurn(turn: Parameters<ConversationsRepository['storeTurn']>[0]) {
    if (turn.newSession) await this.createClaimed({ id: turn.sessionId, ...turn.newSession, turnId: turn.turnId, now: turn.now });
    const list = this.messages.get(turn.sessionId) ?? [];
    for (const message of turn.messages) list.push({ ...message, sessionId: turn.sessionId, seq: list.length + 1 } as MessageRecord);
    this.messages.set(turn.sessionId, list);
    await this.release(turn.sessionId, turn.turnId);
  }
}

function setup(model: MockLanguageModelV3) {
  const conversations = new FakeConversations();
  const gateway = {
    resolveChat: async () => ({ model, label: 'mock/model', parameters: { temperature: 0.5 } }),
  } as unknown as ModelGateway;
  const service = new ChatService({
    conversations: conversations as unknown as ConversationsRepository,
    gateway,
    clock: new FixedClock(),
    ids: { uuid: () => randomUUID() },
  });
  return { service, conversations, actor: { userId: randomUUID(), role: 'user' as const } };
}

async function collect<Item>(items: AsyncIterable<Item>): Promise<Item[]> {
  const collected: Item[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

/** A bare turn with a two-message history window. */
function bareTurn(message: string, extra: Partial<ChatTurnRequest> = {}): ChatTurnRequest {
  return { message, agentId: null, selector: undefined, history: { maxMessages: 2, maxTokens: 1000 }, ...extra };
}

describe('ChatService', () => {
  it('streams deltas, stores the turn, then ends with turn-done', async () => {
    const { service, conversations, actor } = setup(new MockLanguageModelV3({ doStream: streamOf(answer) }));

    const turn = await service.prepare(actor, bareTurn('Hello'));
    const events = await collect(service.stream(turn, new AbortController().signal));

    expect(events.map((event) => event.type)).toEqual(['text-delta', 'text-delta', 'turn-done']);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'turn-done', text: 'Hi there', sessionId: turn.sessionId, model: 'mock/model' });
    const stored = conversations.messages.get(turn.sessionId)!;
    expect(stored.map((message) => [message.role, message.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi there'],
    ]);
    expect(stored[1]!.id).toBe((done as { messageId: string }).messageId);
    expect(conversations.sessions.get(turn.sessionId)!.activeTurnId).toBeNull();
  });

  it('sends only the history window and the system prompt to the model', async () => {
    const model = new MockLanguageModelV3({ doStream: () => Promise.resolve(streamOf(answer)) });
    const { service, conversations, actor } = setup(model);
    const first = await service.prepare(actor, bareTurn('one'));
    await collect(service.stream(first, new AbortController().signal));
    conversations.messages.get(first.sessionId)!.push({ role: 'user', content: 'two', seq: 3 } as MessageRecord);

    const second = await service.prepare(actor, bareTurn('three', { sessionId: first.sessionId, system: 'Terse.' }));
    await collect(service.stream(second, new AbortController().signal));

    const prompt = model.doStreamCalls[1]!.prompt;
    expect(prompt.map((message) => message.role)).toEqual(['system', 'assistant', 'user', 'user']);
    expect(model.doStreamCalls[1]!.temperature).toBe(0.5);
  });

  it('frees the session and stores nothing when the model fails', async () => {
    const model = new MockLanguageModelV3({ doStream: () => Promise.reject(new Error('boom')) });
    const { service, conversations, actor } = setup(model);

    const turn = await service.prepare(actor, bareTurn('Hello'));
    const outcome = await collect(service.stream(turn, new AbortController().signal)).catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(AppError);
    expect((outcome as AppError).code).toBe('MODEL_PROVIDER_ERROR');
    expect(conversations.messages.get(turn.sessionId)).toBeUndefined();
    expect(conversations.sessions.get(turn.sessionId)!.activeTurnId).toBeNull();
  });

  it('refuses a second turn while one holds the session, and sessions of agents', async () => {
    const { service, conversations, actor } = setup(new MockLanguageModelV3({ doStream: streamOf(answer) }));
    const running = await service.prepare(actor, bareTurn('first'));
    const agentSession = await conversations.createClaimed({
      id: randomUUID(),
      ownerId: actor.userId,
      agentId: randomUUID(),
      title: 't',
      turnId: randomUUID(),
      now: new Date(),
    });

    const busy = await service.prepare(actor, bareTurn('second', { sessionId: running.sessionId })).catch((error: unknown) => error);
    const foreign = await service.prepare(actor, bareTurn('x', { sessionId: agentSession.id })).catch((error: unknown) => error);

    expect((busy as AppError).code).toBe('SESSION_BUSY');
    expect((foreign as AppError).code).toBe('SESSION_NOT_FOUND');
  });
});

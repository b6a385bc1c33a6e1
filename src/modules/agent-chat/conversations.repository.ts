import { and, asc, desc, eq, ilike, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { chatMessages, chatSessions } from '../../platform/db/schema/index.js';

/** A stored session row. */
export type SessionRecord = typeof chatSessions.$inferSelect;
/** A stored message row. */
export type MessageRecord = typeof chatMessages.$inferSelect;
/** A message to append; its `seq` is assigned on insert. */
export type NewMessage = Omit<typeof chatMessages.$inferInsert, 'seq' | 'sessionId'>;

/** Sessions and their messages, scoped to the owner. */
export class ConversationsRepository {
  constructor(private readonly db: Database) {}

  /** Creates a session that is already claimed by `turnId`. */
  async createClaimed(session: {
    id: string;
    ownerId: string;
    agentId: string | null;
    title: string;
    turnId: string;
    now: Date;
  }): Promise<SessionRecord> {
    const rows = await this.db
      .insert(chatSessions)
      .values({
        id: session.id,
        ownerId: session.ownerId,
        agentId: session.agentId,
        title: session.title,
        activeTurnId: session.turnId,
        activeTurnStartedAt: session.now,
        createdAt: session.now,
        updatedAt: session.now,
      })
      .returning();
    return rows[0]!;
  }

  async findById(ownerId: string, id: string): Promise<SessionRecord | null> {
    const rows = await this.db
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.ownerId, ownerId), eq(chatSessions.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /**
   * Marks the session as running `turnId` unless another turn holds it (a claim older than
   * `staleBefore` is taken over: its process died). Resolves to false when the session is busy.
   */
  async claim(sessionId: string, turnId: string, now: Date, staleBefore: Date): Promise<boolean> {
    const rows = await this.db
      .update(chatSessions)
      .set({ activeTurnId: turnId, activeTurnStartedAt: now })
      .where(
        and(
          eq(chatSessions.id, sessionId),
          or(isNull(chatSessions.activeTurnId), lt(chatSessions.activeTurnStartedAt, staleBefore)),
        ),
      )
      .returning({ id: chatSessions.id });
    return rows.length > 0;
  }

  /** Frees the session if `turnId` still holds it. */
  async release(sessionId: string, turnId: string): Promise<void> {
    await this.db
      .update(chatSessions)
      .set({ activeTurnId: null, activeTurnStartedAt: null })
      .where(and(eq(chatSessions.id, sessionId), eq(chatSessions.activeTurnId, turnId)));
  }

  /**
   * Forks a session at one of its messages: a new session (same owner and agent) holding copies of
   * every message up to and including that one. Resolves to null when the message is not in the session.
   */
  async fork(branch: { id: string; ownerId: string; sessionId: string; messageId: string; title: string; now: Date }) {
    return this.db.transaction(async (transaction) => {
      const source = await transaction
        .select({ seq: chatMessages.seq, agentId: chatSessions.agentId })
        .from(chatMessages)
        .innerJoin(chatSessions, eq(chatSessions.id, chatMessages.sessionId))
        .where(
          and(eq(chatMessages.id, branch.messageId), eq(chatMessages.sessionId, branch.sessionId), eq(chatSessions.ownerId, branch.ownerId)),
        )
        .limit(1);
      const at = source[0];
      if (!at) return null;
      const created = await transaction
        .insert(chatSessions)
        .values({
          id: branch.id,
          ownerId: branch.ownerId,
          agentId: at.agentId,
          title: branch.title,
          parentSessionId: branch.sessionId,
          forkedFromMessageId: branch.messageId,
          createdAt: branch.now,
          updatedAt: branch.now,
        })
        .returning();
      await transaction.execute(sql`insert into chat_messages
          (id, session_id, seq, role, content, tool_calls, tool_call_id, tool_name, model, prompt_tokens, completion_tokens, created_at)
        select gen_random_uuid(), ${branch.id}::uuid, seq, role, content, tool_calls, tool_call_id, tool_name, model,
          prompt_tokens, completion_tokens, created_at
        from chat_messages where session_id = ${branch.sessionId}::uuid and seq <= ${at.seq}`);
      return created[0]!;
    });
  }

  /** The owner's branches, newest first, optionally only those of one session. */
  async listBranches(ownerId: string, parentSessionId: string | undefined, page: { offset: number; limit: number }) {
    const conditions = [eq(chatSessions.ownerId, ownerId), isNotNull(chatSessions.parentSessionId)];
    if (parentSessionId) conditions.push(eq(chatSessions.parentSessionId, parentSessionId));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db.select().from(chatSessions).where(where).orderBy(desc(chatSessions.createdAt), desc(chatSessions.id)).offset(page.offset).limit(page.limit),
      this.db.$count(chatSessions, where),
    ]);
    return { rows, total };
  }

  /** The owner's agent sessions (bare chats excluded), optionally of one agent or named like `nameContains`, sorted as asked. */
  async listAgentSessions(
    ownerId: string,
    filter: { agentId?: string | undefined; nameContains?: string | undefined; sortBy: 'created_at' | 'updated_at' | 'title'; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ) {
    const conditions = [eq(chatSessions.ownerId, ownerId), isNotNull(chatSessions.agentId)];
    if (filter.agentId) conditions.push(eq(chatSessions.agentId, filter.agentId));
    if (filter.nameContains) conditions.push(ilike(chatSessions.title, `%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%`));
    const where = and(...conditions);
    const column = { created_at: chatSessions.createdAt, updated_at: chatSessions.updatedAt, title: chatSessions.title }[filter.sortBy];
    const direction = filter.order === 'asc' ? asc : desc;
    const [rows, total] = await Promise.all([
      this.db.select().from(chatSessions).where(where).orderBy(direction(column), direction(chatSessions.id)).offset(page.offset).limit(page.limit),
      this.db.$count(chatSessions, where),
    ]);
    return { rows, total };
  }

  /** Renames one of the owner's sessions; null when it is not there. */
  async rename(ownerId: string, id: string, title: string, now: Date): Promise<SessionRecord | null> {
    const rows = await this.db
      .update(chatSessions)
      .set({ title, updatedAt: now })
      .where(and(eq(chatSessions.ownerId, ownerId), eq(chatSessions.id, id)))
      .returning();
    return rows[0] ?? null;
  }

  /** Deletes one of the owner's sessions with its messages; false when it was not there. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(chatSessions)
      .where(and(eq(chatSessions.ownerId, ownerId), eq(chatSessions.id, id)))
      .returning({ id: chatSessions.id });
    return rows.length > 0;
  }

  /** The owner's most recently active session with an agent, or null. */
  async latestWithAgent(ownerId: string, agentId: string): Promise<SessionRecord | null> {
    const rows = await this.db
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.ownerId, ownerId), eq(chatSessions.agentId, agentId)))
      .orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The latest `limit` messages of a session, oldest first. */
  async recentMessages(sessionId: string, limit: number): Promise<MessageRecord[]> {
    const rows = await this.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, sessionId))
      .orderBy(desc(chatMessages.seq))
      .limit(limit);
    return rows.reverse();
  }

  /** Every message of a session, in order. */
  async messages(sessionId: string): Promise<MessageRecord[]> {
    return this.db.select().from(chatMessages).where(eq(chatMessages.sessionId, sessionId)).orderBy(asc(chatMessages.seq));
  }

  /**
   * Stores a finished turn in one statement: appends `messages` after the session's last one and
   * frees the session (when `turnId` still holds it), or, for `newSession`, creates the session with
   * these as its first messages. One statement is atomic without a transaction and costs one round trip.
   */
  async storeTurn(turn: {
    sessionId: string;
    turnId: string;
    messages: NewMessage[];
    now: Date;
    newSession?: { ownerId: string; agentId: string | null; title: string };
  }): Promise<void> {
    if (turn.messages.length === 0) return this.release(turn.sessionId, turn.turnId);
    const now = turn.now.toISOString();
    const values = sql.join(
      turn.messages.map(
        (message, index) =>
          sql`(${message.id}::uuid, ${index + 1}::int, ${message.role}::text, ${message.content}::text,
            ${message.toolCalls ? JSON.stringify(message.toolCalls) : null}::jsonb, ${message.toolCallId ?? null}::text,
            ${message.toolName ?? null}::text, ${message.model ?? null}::text, ${message.promptTokens ?? null}::int,
            ${message.completionTokens ?? null}::int, ${(message.createdAt ?? turn.now).toISOString()}::timestamptz)`,
      ),
      sql`, `,
    );
    const columns = sql`(id, ord, role, content, tool_calls, tool_call_id, tool_name, model, prompt_tokens, completion_tokens, created_at)`;
    const insert = sql`insert into chat_messages
      (id, session_id, seq, role, content, tool_calls, tool_call_id, tool_name, model, prompt_tokens, completion_tokens, created_at)`;
    const picked = sql`v.role, v.content, v.tool_calls, v.tool_call_id, v.tool_name, v.model, v.prompt_tokens, v.completion_tokens, v.created_at`;
    if (turn.newSession) {
      const { ownerId, agentId, title } = turn.newSession;
      await this.db.execute(sql`with created as (
          insert into chat_sessions (id, owner_id, agent_id, title, created_at, updated_at)
          values (${turn.sessionId}::uuid, ${ownerId}::uuid, ${agentId}::uuid, ${title}, ${now}::timestamptz, ${now}::timestamptz)
          returning id)
        ${insert}
        select v.id, created.id, v.ord, ${picked}
        from created, (values ${values}) as v${columns}`);
      return;
    }
    await this.db.execute(sql`with released as (
        update chat_sessions set active_turn_id = null, active_turn_started_at = null, updated_at = ${now}::timestamptz
        where id = ${turn.sessionId}::uuid and active_turn_id = ${turn.turnId}::uuid
        returning id),
      base as (select coalesce(max(seq), 0) as seq from chat_messages where session_id = ${turn.sessionId}::uuid)
      ${insert}
      select v.id, released.id, base.seq + v.ord, ${picked}
      from released, base, (values ${values}) as v${columns}`);
  }
}

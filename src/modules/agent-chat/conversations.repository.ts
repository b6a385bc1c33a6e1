import { and, asc, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
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
   * Appends messages after the last one and frees the session, in one transaction.
   * The claim guarantees no other turn appends to this session meanwhile.
   */
  async appendAndRelease(sessionId: string, turnId: string, messages: NewMessage[], now: Date): Promise<void> {
    await this.db.transaction(async (transaction) => {
      const last = await transaction
        .select({ seq: sql<number>`coalesce(max(${chatMessages.seq}), 0)` })
        .from(chatMessages)
        .where(eq(chatMessages.sessionId, sessionId));
      const base = Number(last[0]?.seq ?? 0);
      if (messages.length > 0) {
        await transaction
          .insert(chatMessages)
          .values(messages.map((message, index) => ({ ...message, sessionId, seq: base + index + 1 })));
      }
      await transaction
        .update(chatSessions)
        .set({ activeTurnId: null, activeTurnStartedAt: null, updatedAt: now })
        .where(and(eq(chatSessions.id, sessionId), eq(chatSessions.activeTurnId, turnId)));
    });
  }
}

import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** A tool call an assistant message asked for, as stored with the message. */
export interface StoredToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

/** A conversation: bare (no agent) or with an agent; messages hang off it in order. */
export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id'),
    title: text('title').notNull(),
    /** Set on a branch: the session it was forked from and the message it was forked at. */
    parentSessionId: uuid('parent_session_id'),
    forkedFromMessageId: uuid('forked_from_message_id'),
    /** Set while a turn runs, so a second message to the same session is refused instead of interleaved. */
    activeTurnId: uuid('active_turn_id'),
    activeTurnStartedAt: timestamp('active_turn_started_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    index('chat_sessions_owner_updated_idx').on(table.ownerId, table.updatedAt),
    index('chat_sessions_parent_idx').on(table.parentSessionId),
  ],
);

/** One message of a session; `seq` orders them (1, 2, 3 ...). */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuid('id').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => chatSessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    role: text('role', { enum: ['user', 'assistant', 'tool'] }).notNull(),
    content: text('content').notNull(),
    toolCalls: jsonb('tool_calls').$type<StoredToolCall[]>(),
    toolCallId: text('tool_call_id'),
    toolName: text('tool_name'),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('chat_messages_session_seq').on(table.sessionId, table.seq),
    check('chat_messages_role_check', sql`${table.role} in ('user', 'assistant', 'tool')`),
  ],
);

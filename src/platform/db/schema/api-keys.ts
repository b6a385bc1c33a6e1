import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * API keys of the OpenAI-compatible face: only the SHA-256 of the key is kept (the key itself is
 * shown once, at creation), with its owner, its agent scope and its lifecycle.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Hex SHA-256 of the whole key: a 256-bit random key needs no salt or slow hash. */
    keyHash: text('key_hash').notNull(),
    /** The first characters of the key (`tg-` and a few more), so people can tell keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    keyLast4: text('key_last4').notNull(),
    /** The agents the key may use; null means every agent of the owner. */
    agentIds: jsonb('agent_ids').$type<string[]>(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('api_keys_key_hash').on(table.keyHash),
    index('api_keys_owner_created').on(table.ownerId, table.createdAt),
  ],
);

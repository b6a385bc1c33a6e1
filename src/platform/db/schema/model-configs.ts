import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** Default call parameters of a model config. */
export interface ModelParameters {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
}

/** What a model can do, as its owner declares it. */
export interface ModelCapabilities {
  tools?: boolean;
  vision?: boolean;
  json?: boolean;
}

/** Provider endpoints a user registered: one model at one endpoint, with its key sealed (AES-256-GCM). */
export const modelConfigs = pgTable(
  'model_configs',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    provider: text('provider').notNull(),
    baseUrl: text('base_url'),
    apiKeySealed: text('api_key_sealed'),
    apiKeyMasked: text('api_key_masked'),
    modelName: text('model_name').notNull(),
    kind: text('kind', { enum: ['chat', 'embedding', 'rerank'] }).notNull(),
    parameters: jsonb('parameters').$type<ModelParameters>().notNull().default({}),
    capabilities: jsonb('capabilities').$type<ModelCapabilities>().notNull().default({}),
    fallbackModelIds: uuid('fallback_model_ids').array().notNull().default(sql`'{}'::uuid[]`),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    index('model_configs_owner_idx').on(table.ownerId, table.kind),
    // At most one default per owner and kind; the service clears the old one in the same transaction.
    uniqueIndex('model_configs_one_default').on(table.ownerId, table.kind).where(sql`${table.isDefault}`),
    check('model_configs_kind_check', sql`${table.kind} in ('chat', 'embedding', 'rerank')`),
  ],
);

/** One provider call (one attempt): what monitoring reads for usage, latency and errors. */
export const llmCalls = pgTable(
  'llm_calls',
  {
    id: uuid('id').primaryKey(),
    runId: uuid('run_id'),
    agentId: uuid('agent_id'),
    sessionId: uuid('session_id'),
    userId: uuid('user_id'),
    modelConfigId: uuid('model_config_id'),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    operation: text('operation', { enum: ['generate', 'stream', 'embed', 'rerank'] }).notNull(),
    status: text('status', { enum: ['succeeded', 'failed', 'cancelled'] }).notNull(),
    attempt: integer('attempt').notNull().default(1),
    isFallback: boolean('is_fallback').notNull().default(false),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    totalTokens: integer('total_tokens'),
    latencyMs: integer('latency_ms').notNull(),
    timeToFirstTokenMs: integer('time_to_first_token_ms'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    index('llm_calls_user_created_idx').on(table.userId, table.createdAt),
    index('llm_calls_run_idx').on(table.runId),
    index('llm_calls_agent_created_idx').on(table.agentId, table.createdAt),
  ],
);

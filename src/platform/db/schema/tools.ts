import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** How a custom tool does its work. */
export type CustomToolType = 'http' | 'code' | 'mcp';

/** Tools users define: HTTP calls, sandboxed code, tools of their MCP servers. */
export const customTools = pgTable(
  'custom_tools',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull(),
    category: text('category').notNull(),
    type: text('type').$type<CustomToolType>().notNull(),
    /** The JSON Schema (an object schema) of the tool's input. */
    inputSchema: jsonb('input_schema').$type<Record<string, unknown>>().notNull(),
    /** How the tool works, by type; read back through the tools module's schemas. */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    /** The credential of an HTTP tool, sealed with the secret box; never returned. */
    secretSealed: text('secret_sealed'),
    secretMasked: text('secret_masked'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('custom_tools_owner_name').on(table.ownerId, table.name),
    check('custom_tools_type_check', sql`${table.type} in ('http', 'code', 'mcp')`),
  ],
);

/** MCP servers a user registered (streamable HTTP only: nothing is ever spawned from API input). */
export const mcpServers = pgTable(
  'mcp_servers',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    /** Extra request headers (e.g. an API key), sealed as one JSON object. */
    headersSealed: text('headers_sealed'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [uniqueIndex('mcp_servers_owner_name').on(table.ownerId, table.name)],
);

/** One record per tool call, for monitoring: who, which tool, from where, how long, how it went. */
export const toolCalls = pgTable(
  'tool_calls',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    toolName: text('tool_name').notNull(),
    customToolId: uuid('custom_tool_id'),
    agentId: uuid('agent_id'),
    runId: uuid('run_id'),
    status: text('status').$type<'succeeded' | 'failed'>().notNull(),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    index('tool_calls_user_created_idx').on(table.userId, table.createdAt),
    index('tool_calls_tool_created_idx').on(table.toolName, table.createdAt),
    // Execution logs read a run's tool calls (and those of the runs below it).
    index('tool_calls_run_idx').on(table.runId),
  ],
);

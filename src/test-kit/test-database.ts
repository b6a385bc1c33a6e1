import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openPglite, openPostgres, type DatabaseHandle } from '../platform/db/database.js';
import { applyMigrations } from '../platform/db/migrate.js';

/**
 * One migrated database per test file, emptied before each test app is built.
 * Embedded (default): an in-memory PGlite. With DATABASE_URL: a schema of its own in that
 * PostgreSQL database (search_path points at it), dropped when the file ends. Emptying with
 * TRUNCATE takes milliseconds, where a new PGlite or a clone() takes most of a second.
 */
interface SharedDatabase {
  handle: DatabaseHandle;
  dispose(): Promise<void>;
}

let shared: Promise<SharedDatabase> | undefined;

async function createEmbedded(): Promise<SharedDatabase> {
  const template = inject('pgliteTemplate');
  const handle = template
    ? await openPglite(undefined, new Blob([readFileSync(template)]))
    : await openPglite();
  // Already migrated when it came from the template; then this only confirms there is nothing pending.
  await applyMigrations(handle);
  return { handle, dispose: () => handle.close() };
}

async function createInSchema(databaseUrl: string): Promise<SharedDatabase> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = await openPostgres({ databaseUrl, searchPath: schema, poolSize: 4 });
  await applyMigrations(handle, { migrationsSchema: schema });
  return {
    handle,
    async dispose() {
      await handle.db.execute(sql.raw(`drop schema ${schema} cascade`));
      await handle.close();
    },
  };
}

/** The kind of database this test run uses: "postgres" when DATABASE_URL is set. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

/** Deletes every row of every application table, keeping the schema and migration history. */
export async function truncateAll(handle: DatabaseHandle): Promise<void> {
  const result = (await handle.db.execute(
    sql`select tablename from pg_tables where schemaname = current_schema() and tablename not like '__drizzle%'`,
  )) as unknown as { rows: Array<{ tablename: string }> };
  const tables = result.rows.map((row) => `"${row.tablename}"`);
  if (tables.length > 0) await handle.db.execute(sql.raw(`truncate ${tables.join(', ')} restart identity cascade`));
}

/** The file's shared, migrated database; its `close()` is a no-op so apps can close freely. */
export async function sharedTestDatabase(): Promise<DatabaseHandle> {
  shared ??= process.env.DATABASE_URL ? createInSchema(process.env.DATABASE_URL) : createEmbedded();
  const { handle } = await shared;
  return { ...handle, db: handle.db, close: async () => undefined };
}

/** Releases the file's shared database (registered in the vitest setup file). */
export async function disposeSharedTestDatabase(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).dispose();
}

import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import * as schema from './schema/index.js';

/** The drizzle handle every repository receives, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Which engine holds the data. */
export type DatabaseKind = 'pglite' | 'postgres';

/** An open database with its driver-specific close. */
export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseKind;
  /** True when the pgvector extension is installed in this database (checked after migrations). */
  vectorAvailable: boolean;
  /** Releases the connections (PostgreSQL) or flushes and closes the embedded engine (PGlite). */
  close(): Promise<void>;
  /** The underlying PGlite, for the test kit's fast reset and for dumps; absent on PostgreSQL. */
  readonly pglite?: PGlite;
}

/** Where the data lives: a PostgreSQL URL, or a PGlite directory. */
export interface OpenDatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; `memory://` (or undefined) keeps everything in memory. */
  dataDir?: string | undefined;
  /** PostgreSQL only: the schema to put first on the search path (tests isolate themselves this way). */
  searchPath?: string;
  /** PostgreSQL only: pool size (default 10). */
  poolSize?: number;
}

/**
 * Opens the embedded PGlite (with pgvector loaded) in `dataDir`, or in memory. `template` is a
 * dump (PGlite's dumpDataDir) to start from: loading one is faster than creating a cluster.
 */
export async function openPglite(dataDir?: string, template?: Blob): Promise<DatabaseHandle> {
  const persistent = dataDir !== undefined && !dataDir.startsWith('memory://');
  if (persistent) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(persistent ? dataDir : undefined, {
    extensions: { vector },
    ...(template ? { loadDataDir: template } : {}),
  });
  return {
    db: drizzlePglite(client, { schema }) as unknown as Database,
    kind: 'pglite',
    vectorAvailable: false,
    close: () => client.close(),
    pglite: client,
  };
}

/** Opens a node-postgres pool on `databaseUrl`. */
export async function openPostgres(options: {
  databaseUrl: string;
  searchPath?: string;
  poolSize?: number;
}): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath},public` } : {}),
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
  pool.on('error', () => undefined);
  const db = drizzlePostgres(pool, { schema }) as unknown as Database;
  await db.execute(sql`select 1`);
  return { db, kind: 'postgres', vectorAvailable: false, close: () => pool.end() };
}

/** Opens PostgreSQL when a URL is given, the embedded PGlite otherwise. */
export function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    return openPostgres({
      databaseUrl: options.databaseUrl,
      ...(options.searchPath ? { searchPath: options.searchPath } : {}),
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    });
  }
  return openPglite(options.dataDir);
}

/**
 * The databases bench:kb runs against: an embedded PGlite in a temporary directory (as a server
 * with DATA_DIR keeps it), and a fresh database on a PostgreSQL server when one answers. Each is
 * migrated as the server migrates, holds one user and one knowledge base, and is removed at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type DatabaseHandle } from '../src/platform/db/database.js';
import { applyMigrations } from '../src/platform/db/migrate.js';
import { knowledgeBases, users } from '../src/platform/db/schema/index.js';

/** The targets a run may measure. */
export type TargetName = 'pglite' | 'postgres';

/** A migrated database with one knowledge base to fill, and how to remove it all. */
export interface BenchDatabase {
  readonly name: TargetName;
  readonly handle: DatabaseHandle;
  /** Where it lives, for the output (a directory, or a server and database name). */
  readonly location: string;
  readonly ownerId: string;
  readonly knowledgeBaseId: string;
  /** Closes the connections and deletes the directory or drops the database; safe to call twice. */
  dispose(): Promise<void>;
}

/** Chunking that keeps each ~400-character paragraph of the bench's documents one chunk. */
const chunking = { chunk_size: 500, chunk_overlap: 50, separators: [] };

async function createBase(handle: DatabaseHandle): Promise<{ ownerId: string; knowledgeBaseId: string }> {
  const now = new Date();
  const ownerId = randomUUID();
  const knowledgeBaseId = randomUUID();
  await handle.db.insert(users).values({
    id: ownerId, email: `kb-bench-${ownerId}@example.test`, passwordHash: 'unused', nickname: 'Bench', role: 'user', createdAt: now, updatedAt: now,
  });
  await handle.db.insert(knowledgeBases).values({
    id: knowledgeBaseId,
    ownerId,
    name: 'bench:kb',
    description: 'Synthetic clustered embeddings',
    embeddingModelConfigId: null,
    embeddingModel: 'bench-precomputed',
    chunking,
    retrieval: { top_k: 10, score_threshold: 0, hybrid_weight: 1, rerank_model_config_id: null },
    createdAt: now,
    updatedAt: now,
  });
  return { ownerId, knowledgeBaseId };
}

/** Runs `cleanup` once, however often it is called (a signal handler and a finally may both call it). */
function once(cleanup: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= cleanup());
}

/** PGlite (with pgvector) in a fresh temporary directory, deleted by dispose(). */
export async function openPgliteTarget(): Promise<BenchDatabase> {
  const directory = await mkdtemp(join(tmpdir(), 'tiangong-bench-kb-'));
  try {
    const handle = await openPglite(directory);
    const dispose = once(async () => {
      await handle.close().catch((error: unknown) => console.error(error));
      await rm(directory, { recursive: true, force: true });
    });
    try {
      await applyMigrations(handle);
      return { name: 'pglite', handle, location: directory, ...(await createBase(handle)), dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Until the returned function is called, Ctrl-C or SIGTERM disposes of the targets in `open` (the
 * temporary directory deleted, the bench database dropped) before the process exits.
 */
export function disposeOnSignal(open: ReadonlySet<{ dispose(): Promise<void> }>): () => void {
  const onSignal = () => {
    console.error('interrupted: removing the bench databases …');
    void Promise.allSettled([...open].map((target) => target.dispose())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Whether the server at `url` accepts a connection within a few seconds. */
export async function isReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs one statement on the PostgreSQL server as its admin connection (create or drop a bench database). */
export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A new database `tiangong_bench_<random>` on the server of `adminUrl`, migrated; dispose() closes
 * the pool and drops the database (WITH (FORCE), so a connection left open cannot keep it).
 */
export async function openPostgresTarget(adminUrl: string): Promise<BenchDatabase> {
  const databaseName = `tiangong_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${databaseName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  let handle: DatabaseHandle | undefined;
  const dispose = once(async () => {
    await handle?.close().catch((error: unknown) => console.error(error));
    await adminQuery(adminUrl, `drop database if exists ${databaseName} with (force)`);
  });
  try {
    handle = await openPostgres({ databaseUrl: url.toString(), poolSize: 4 });
    await applyMigrations(handle);
    return { name: 'postgres', handle, location: `${url.host}/${databaseName}`, ...(await createBase(handle)), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

import type { DatabaseHandle } from '../db/database.js';
import { ExactScanStore } from './vector-store.exact.js';
import { PgvectorStore } from './vector-store.pgvector.js';
import type { VectorStore } from './vector-store.js';

export type * from './vector-store.js';

/** The vector store the database supports: pgvector's HNSW where installed, exact scans otherwise. */
export function createVectorStore(database: DatabaseHandle): VectorStore {
  return database.vectorAvailable ? new PgvectorStore(database.db) : new ExactScanStore(database.db);
}

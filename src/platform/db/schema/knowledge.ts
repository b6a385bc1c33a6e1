import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** How a knowledge base cuts documents into chunks. */
export interface ChunkingSettings {
  chunk_size: number;
  chunk_overlap: number;
  /** Literal separators tried in order; empty means the Chinese- and English-aware defaults. */
  separators: string[];
}

/** How a knowledge base searches unless a request says otherwise. */
export interface RetrievalSettings {
  top_k: number;
  score_threshold: number;
  /** Weight of the vector ranking in the fusion, 0 (keywords only) to 1 (vectors only). */
  hybrid_weight: number;
  rerank_model_config_id: string | null;
}

/** Where a document came from. */
export type DocumentSourceType = 'upload' | 'text' | 'url';

/** Ingestion states; `indexed` and `failed` are final until the document is re-indexed. */
export type DocumentStatus = 'pending' | 'parsing' | 'chunking' | 'embedding' | 'indexed' | 'failed';

/** A PostgreSQL tsvector, written as its text form. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Knowledge bases: a user's documents, cut into chunks with embeddings, searchable. */
export const knowledgeBases = pgTable(
  'knowledge_bases',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull(),
    /** The embedding model config; null means the built-in local embedder. */
    embeddingModelConfigId: uuid('embedding_model_config_id'),
    /** The model's label ("local-lexical-384", "text-embedding-3-small"), for display. */
    embeddingModel: text('embedding_model').notNull(),
    /** Vector length, known after the first embedding; every chunk of the base has it. */
    embeddingDimensions: integer('embedding_dimensions'),
    chunking: jsonb('chunking').$type<ChunkingSettings>().notNull(),
    retrieval: jsonb('retrieval').$type<RetrievalSettings>().notNull(),
    /** Bumped whenever chunks are added or removed, so in-process vector caches know they are stale. */
    generation: bigint('generation', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [uniqueIndex('knowledge_bases_owner_name').on(table.ownerId, table.name)],
);

/** The documents of a knowledge base and where their ingestion stands. */
export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: uuid('id').primaryKey(),
    knowledgeBaseId: uuid('knowledge_base_id')
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    sourceType: text('source_type').$type<DocumentSourceType>().notNull(),
    /** The workspace path, the URL, or null for raw text. */
    source: text('source'),
    /** The detected format (pdf, docx, txt, markdown, html, csv, json). */
    format: text('format'),
    sizeBytes: integer('size_bytes').notNull().default(0),
    status: text('status').$type<DocumentStatus>().notNull(),
    error: jsonb('error').$type<{ code: string; message: string } | null>(),
    chunksDone: integer('chunks_done').notNull().default(0),
    chunksTotal: integer('chunks_total').notNull().default(0),
    /** The extracted text (raw text documents: the text itself), kept so re-indexing needs no source. */
    content: text('content'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Set anew whenever ingestion is (re)started; a job whose id is no longer current stops. */
    ingestionId: uuid('ingestion_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    indexedAt: timestamp('indexed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    index('knowledge_documents_base').on(table.knowledgeBaseId, table.createdAt),
    check('knowledge_documents_source_check', sql`${table.sourceType} in ('upload', 'text', 'url')`),
    check(
      'knowledge_documents_status_check',
      sql`${table.status} in ('pending', 'parsing', 'chunking', 'embedding', 'indexed', 'failed')`,
    ),
  ],
);

/**
 * Chunks with their embedding (real[], so the table exists with or without pgvector; the pgvector
 * store indexes a cast of it per knowledge base) and their keyword terms (tsvector, GIN-indexed).
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: uuid('id').primaryKey(),
    knowledgeBaseId: uuid('knowledge_base_id')
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    /** Order of the chunk in its document, from 0. */
    position: integer('position').notNull(),
    content: text('content').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
    embedding: real('embedding').array(),
    terms: tsvector('terms').notNull(),
  },
  (table) => [
    index('knowledge_chunks_document').on(table.documentId, table.position),
    index('knowledge_chunks_base').on(table.knowledgeBaseId),
    index('knowledge_chunks_terms').using('gin', table.terms),
  ],
);

export type KnowledgeBaseRow = typeof knowledgeBases.$inferSelect;
export type KnowledgeDocumentRow = typeof knowledgeDocuments.$inferSelect;

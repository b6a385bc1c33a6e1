/** A chunk as it is stored: text, place in its document, metadata. */
export interface StoredChunk {
  id: string;
  knowledgeBaseId: string;
  documentId: string;
  /** Order of the chunk in its document, from 0. */
  position: number;
  content: string;
  metadata: Record<string, unknown>;
}

/** A chunk to store, with its embedding. */
export interface ChunkInput extends Omit<StoredChunk, 'knowledgeBaseId' | 'documentId'> {
  embedding: number[];
}

/** A search hit: the chunk and how well it matched (cosine similarity, or the keyword rank). */
export interface ScoredChunk extends StoredChunk {
  score: number;
}

/** Narrows a search to some documents and to chunks whose metadata contains the given pairs. */
export interface ChunkFilter {
  documentIds?: readonly string[] | undefined;
  /** JSON containment: every key must be present in the chunk's metadata with this value. */
  metadata?: Record<string, unknown> | undefined;
}

/** The embedding model a knowledge base's vectors come from; chunks of another model are refused. */
export interface EmbeddingSpace {
  /** The model config, or null for the built-in local embedder. */
  modelConfigId: string | null;
  dimensions: number;
}

/** What {@link VectorStore.replaceDocumentChunks} stores. */
export interface ReplaceChunksOptions {
  knowledgeBaseId: string;
  documentId: string;
  /** The ingestion the chunks come from; stale ingestions store nothing. */
  ingestionId: string;
  space: EmbeddingSpace;
  /** The document's chunks (their documentId is the document's). */
  chunks: readonly ChunkInput[];
}

/** A nearest-neighbour query inside one knowledge base. */
export interface VectorQuery {
  knowledgeBaseId: string;
  vector: number[];
  limit: number;
  filter?: ChunkFilter | undefined;
}

/** A keyword query inside one knowledge base. */
export interface KeywordQuery {
  knowledgeBaseId: string;
  text: string;
  limit: number;
  filter?: ChunkFilter | undefined;
}

/** Which technique serves vector search: pgvector's HNSW index, or an exact scan in this process. */
export type VectorStoreKind = 'pgvector' | 'exact';

/**
 * Chunks with embeddings and keyword terms, searched per knowledge base. Every method is scoped to
 * one knowledge base: a search never crosses into another one.
 */
export interface VectorStore {
  readonly kind: VectorStoreKind;
  /**
   * Replaces a document's chunks in one transaction, if the base still embeds in `space` (its first
   * chunks fix the dimension) and the document's ingestion is still `ingestionId`. Returns false and
   * changes nothing when the base moved to another model or a newer ingestion took over.
   */
  replaceDocumentChunks(options: ReplaceChunksOptions): Promise<boolean>;
  /** Removes a document's chunks. */
  deleteDocumentChunks(knowledgeBaseId: string, documentId: string): Promise<void>;
  /** Removes every chunk of a base and its vector index, and forgets its dimension (before re-embedding). */
  reset(knowledgeBaseId: string): Promise<void>;
  /** Before a large load: drops the base's vector index, so the load does not maintain it row by row. */
  beginBulkLoad(knowledgeBaseId: string, expectedChunks: number): Promise<void>;
  /** After a load: builds the base's vector index when the base is large enough to need one. */
  finishBulkLoad(knowledgeBaseId: string): Promise<void>;
  /** The chunks nearest to `vector` by cosine similarity, best first. */
  searchVectors(query: VectorQuery): Promise<ScoredChunk[]>;
  /** The chunks sharing keyword terms with `text`, best first. */
  searchKeywords(query: KeywordQuery): Promise<ScoredChunk[]>;
}

import { z } from 'zod';
import { pageSchema, paginationQuerySchema } from '../../platform/http/schemas.js';
import { tokenUsageSchema } from '../agent-chat/chat.schemas.js';

/** Bounds of the chunking settings (characters). */
export const CHUNK_SIZE_RANGE = { min: 100, max: 4000 } as const;

const chunkingFields = {
  chunk_size: z.number().int().min(CHUNK_SIZE_RANGE.min).max(CHUNK_SIZE_RANGE.max).describe('Largest chunk, in characters'),
  chunk_overlap: z.number().int().min(0).max(1000).describe('Characters repeated from the end of the previous chunk'),
  separators: z
    .array(z.string().min(1).max(20))
    .max(20)
    .describe('Literal separators tried in order; empty for the Chinese- and English-aware defaults'),
};

const chunkingSchema = z
  .object({
    chunk_size: chunkingFields.chunk_size.default(500),
    chunk_overlap: chunkingFields.chunk_overlap.default(50),
    separators: chunkingFields.separators.default([]),
  })
  .strict()
  .refine((value) => value.chunk_overlap < value.chunk_size, {
    message: 'chunk_overlap must be smaller than chunk_size',
    path: ['chunk_overlap'],
  });

const retrievalFields = {
  top_k: z.number().int().min(1).max(50).describe('Chunks returned'),
  score_threshold: z.number().min(0).max(1).describe('Least cosine similarity of a vector hit (keyword hits always qualify)'),
  hybrid_weight: z.number().min(0).max(1).describe('Weight of vector ranking in the fusion: 1 vectors only, 0 keywords only'),
  rerank_model_config_id: z.uuid().nullable().describe('A rerank model config applied after fusion'),
};

const retrievalSchema = z
  .object({
    top_k: retrievalFields.top_k.default(5),
    score_threshold: retrievalFields.score_threshold.default(0),
    hybrid_weight: retrievalFields.hybrid_weight.default(0.7),
    rerank_model_config_id: retrievalFields.rerank_model_config_id.default(null),
  })
  .strict();

/** POST /knowledge-bases body. */
export const createKnowledgeBaseSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000).default(''),
    embedding_model_config_id: z
      .uuid()
      .nullable()
      .optional()
      .describe('An embedding model config; null for the built-in local embedder; absent for your default embedding model'),
    chunking: chunkingSchema.default({ chunk_size: 500, chunk_overlap: 50, separators: [] }),
    retrieval: retrievalSchema.default({ top_k: 5, score_threshold: 0, hybrid_weight: 0.7, rerank_model_config_id: null }),
  })
  .strict();

/** PUT /knowledge-bases/{id} body: a new embedding model or chunking re-indexes every document. */
export const updateKnowledgeBaseSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(2000).optional(),
    embedding_model_config_id: z.uuid().nullable().optional(),
    chunking: z
      .object(chunkingFields)
      .partial()
      .strict()
      .optional(),
    retrieval: z.object(retrievalFields).partial().strict().optional(),
  })
  .strict();

export const knowledgeBaseResponseSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  embedding_model_config_id: z.uuid().nullable(),
  embedding_model: z.string().describe('Label of the embedding model'),
  embedding_dimensions: z.number().int().nullable().describe('Vector length, known after the first chunk'),
  chunking: z.object({ chunk_size: z.number(), chunk_overlap: z.number(), separators: z.array(z.string()) }),
  retrieval: z.object({
    top_k: z.number(),
    score_threshold: z.number(),
    hybrid_weight: z.number(),
    rerank_model_config_id: z.uuid().nullable(),
  }),
  document_count: z.number().int(),
  chunk_count: z.number().int(),
  documents_by_status: z.record(z.string(), z.number().int()).describe('How many documents are in each ingestion state'),
  vector_store: z
    .enum(['pgvector', 'exact'])
    .describe('pgvector HNSW; or, where pgvector is missing, "exact": an in-process store (exact scans, an IVF index for bases of 10,000+ chunks)'),
  owner_id: z.uuid(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const listKnowledgeBasesQuerySchema = paginationQuerySchema.extend({
  search: z.string().max(100).optional().describe('Matches name or description'),
});

export const knowledgeBasePageSchema = pageSchema(knowledgeBaseResponseSchema);

const metadataSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= 20, 'At most 20 metadata keys')
  .describe('Flat key/value metadata copied onto every chunk (filterable in search)');

/** POST /knowledge-bases/{id}/documents body: from an uploaded file, raw text, or a URL. */
export const createDocumentSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('upload'),
      path: z.string().min(1).max(1000).describe('Workspace path returned by POST /uploads'),
      name: z.string().trim().min(1).max(255).optional(),
      metadata: metadataSchema.default({}),
    })
    .strict(),
  z
    .object({
      source: z.literal('text'),
      name: z.string().trim().min(1).max(255),
      text: z.string().min(1).max(5_000_000),
      format: z.enum(['txt', 'markdown', 'html', 'csv', 'json']).default('txt').describe('How to read the text'),
      metadata: metadataSchema.default({}),
    })
    .strict(),
  z
    .object({
      source: z.literal('url'),
      url: z.url({ protocol: /^https?$/ }).max(2000),
      name: z.string().trim().min(1).max(255).optional(),
      metadata: metadataSchema.default({}),
    })
    .strict(),
]);

const documentStatusSchema = z.enum(['pending', 'parsing', 'chunking', 'embedding', 'indexed', 'failed']);

export const documentResponseSchema = z.object({
  id: z.uuid(),
  knowledge_base_id: z.uuid(),
  name: z.string(),
  source_type: z.enum(['upload', 'text', 'url']),
  source: z.string().nullable(),
  format: z.string().nullable(),
  size_bytes: z.number().int(),
  status: documentStatusSchema.describe('pending -> parsing -> chunking -> embedding -> indexed, or failed'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  progress: z.object({ chunks_done: z.number().int(), chunks_total: z.number().int() }),
  attempts: z.number().int().describe('Embedding retries after rate limits or transient provider errors'),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
  indexed_at: z.string().nullable(),
});

export const listDocumentsQuerySchema = paginationQuerySchema.extend({
  status: documentStatusSchema.optional(),
  search: z.string().max(100).optional().describe('Matches the document name'),
});

export const documentPageSchema = pageSchema(documentResponseSchema);

/** The retrieval knobs a search or RAG request may override. */
const retrievalRequestFields = {
  query: z.string().trim().min(1).max(2000),
  top_k: retrievalFields.top_k.optional(),
  score_threshold: retrievalFields.score_threshold.optional(),
  hybrid_weight: retrievalFields.hybrid_weight.optional(),
  rerank: z.boolean().optional().describe('Rerank with the base rerank model (default: when one is set)'),
  filter: z
    .object({
      document_ids: z.array(z.uuid()).max(100).optional(),
      metadata: z.record(z.string().min(1).max(64), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .strict()
    .optional(),
};

export const searchBodySchema = z.object(retrievalRequestFields).strict();

export const searchHitSchema = z.object({
  chunk_id: z.uuid(),
  knowledge_base_id: z.uuid(),
  document_id: z.uuid(),
  document_name: z.string(),
  position: z.number().int().describe('Order of the chunk in its document, from 0'),
  content: z.string(),
  score: z.number().describe('Final relevance: fused rank score (0-1), or the rerank score when reranked'),
  vector_score: z.number().nullable().describe('Cosine similarity, when the chunk was a vector candidate'),
  keyword_score: z.number().nullable().describe('Keyword rank, when the chunk matched query terms'),
  metadata: z.record(z.string(), z.unknown()),
});

export const searchResponseSchema = z.object({
  query: z.string(),
  items: z.array(searchHitSchema),
  reranked: z.boolean(),
});

export const ragBodySchema = z
  .object({
    ...retrievalRequestFields,
    model_config_id: z.uuid().optional().describe('Chat model; your default when absent'),
    stream: z.boolean().default(false).describe('Answer as SSE: retrieval, token ..., done'),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();

export const citationSchema = searchHitSchema.extend({ number: z.number().int().describe('The [n] used in the answer') });

export const ragResponseSchema = z.object({
  answer: z.string(),
  citations: z.array(citationSchema).describe('Sources the answer cites'),
  sources: z.array(citationSchema).describe('Every source given to the model'),
  model: z.string(),
  run_id: z.uuid(),
  token_usage: tokenUsageSchema,
});

export type CreateKnowledgeBaseInput = z.infer<typeof createKnowledgeBaseSchema>;
export type UpdateKnowledgeBaseInput = z.infer<typeof updateKnowledgeBaseSchema>;
export type KnowledgeBaseResponse = z.infer<typeof knowledgeBaseResponseSchema>;
export type ListKnowledgeBasesQuery = z.infer<typeof listKnowledgeBasesQuerySchema>;
export type CreateDocumentInput = z.infer<typeof createDocumentSchema>;
export type DocumentResponse = z.infer<typeof documentResponseSchema>;
export type ListDocumentsQuery = z.infer<typeof listDocumentsQuerySchema>;
export type SearchInput = z.infer<typeof searchBodySchema>;
export type SearchHit = z.infer<typeof searchHitSchema>;
export type RagInput = z.infer<typeof ragBodySchema>;
export type Citation = z.infer<typeof citationSchema>;

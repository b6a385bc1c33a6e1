import { embed, rerank } from 'ai';
import { fuseRankings } from '../../engine/rag/rank-fusion.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import type { CallContext } from '../../platform/llm/llm-call.js';
import type { ChunkFilter, ScoredChunk, VectorStore } from '../../platform/vector-store/index.js';
import type { KnowledgeBaseRecord, KnowledgeBasesRepository } from './knowledge-bases.repository.js';
import type { SearchHit } from './knowledge-bases.schemas.js';

/** What a retrieval asks for; anything absent comes from each base's retrieval defaults. */
export interface RetrievalRequest {
  query: string;
  topK?: number | undefined;
  scoreThreshold?: number | undefined;
  hybridWeight?: number | undefined;
  /** Rerank with the base's rerank model; default: when the base has one. */
  rerank?: boolean | undefined;
  filter?: ChunkFilter | undefined;
  signal?: AbortSignal | undefined;
  /** Who and what the model calls are recorded against. */
  context?: CallContext | undefined;
}

/** The hits of a retrieval, best first, and whether a rerank model ordered them. */
export interface RetrievalResult {
  hits: SearchHit[];
  reranked: boolean;
}

// Each ranking contributes this many candidates per requested hit (bounded), so fusion and
// reranking can lift a chunk that one ranking alone placed lower.
const CANDIDATES_PER_HIT = 4;
const MIN_CANDIDATES = 20;
const MAX_CANDIDATES = 100;

function isZero(vector: readonly number[]): boolean {
  return vector.every((value) => value === 0);
}

/**
 * Hybrid retrieval over one or more knowledge bases the caller has already been allowed to read.
 * Steps per base: embed the query with the base's model and take the nearest chunks (dropping
 * those under the score threshold); take the best keyword matches; fuse both rankings by
 * reciprocal rank with the hybrid weight; optionally rerank the fused candidates. Bases are then
 * merged by score and cut to top_k.
 */
export class KnowledgeSearch {
  constructor(
    private readonly deps: { repository: KnowledgeBasesRepository; vectors: VectorStore; gateway: ModelGateway },
  ) {}

  async retrieve(bases: readonly KnowledgeBaseRecord[], request: RetrievalRequest): Promise<RetrievalResult> {
    const topK = request.topK ?? bases[0]?.retrieval.top_k ?? 5;
    const perBase = await Promise.all(bases.map((base) => this.retrieveFromBase(base, request, topK)));
    const merged = perBase
      .flatMap((result) => result.hits)
      .sort((left, right) => right.score - left.score || left.chunk.id.localeCompare(right.chunk.id))
      .slice(0, topK);
    const names = await this.deps.repository.documentNames([...new Set(merged.map((hit) => hit.chunk.documentId))]);
    return {
      hits: merged.map(({ chunk, score, vectorScore, keywordScore }) => ({
        chunk_id: chunk.id,
        knowledge_base_id: chunk.knowledgeBaseId,
        document_id: chunk.documentId,
        document_name: names.get(chunk.documentId) ?? '',
        position: chunk.position,
        content: chunk.content,
        score,
        vector_score: vectorScore,
        keyword_score: keywordScore,
        metadata: chunk.metadata,
      })),
      reranked: perBase.some((result) => result.reranked),
    };
  }

  private async retrieveFromBase(base: KnowledgeBaseRecord, request: RetrievalRequest, topK: number) {
    const weight = request.hybridWeight ?? base.retrieval.hybrid_weight;
    const threshold = request.scoreThreshold ?? base.retrieval.score_threshold;
    const limit = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, topK * CANDIDATES_PER_HIT));
    const query = { knowledgeBaseId: base.id, limit, filter: request.filter };
    const [vectorHits, keywordHits] = await Promise.all([
      weight > 0 ? this.vectorCandidates(base, request, limit) : [],
      weight < 1 ? this.deps.vectors.searchKeywords({ ...query, text: request.query }) : [],
    ]);
    const qualified = vectorHits.filter((hit) => hit.score >= threshold);
    const vectorScores = new Map(qualified.map((hit) => [hit.id, hit.score]));
    const keywordScores = new Map(keywordHits.map((hit) => [hit.id, hit.score]));
    let hits = fuseRankings(qualified, keywordHits, { vectorWeight: weight })
      .filter((fused) => fused.score > 0)
      .map((fused) => ({
        chunk: fused.item,
        score: fused.score,
        vectorScore: vectorScores.get(fused.item.id) ?? null,
        keywordScore: keywordScores.get(fused.item.id) ?? null,
      }));
    const rerankModel = base.retrieval.rerank_model_config_id;
    const reranked = (request.rerank ?? rerankModel !== null) && hits.length > 0;
    if (reranked) hits = await this.rerank(base, request, hits);
    return { hits: hits.slice(0, topK), reranked };
  }

  private async vectorCandidates(base: KnowledgeBaseRecord, request: RetrievalRequest, limit: number): Promise<ScoredChunk[]> {
    if (base.embeddingDimensions === null) return [];
    const context = request.context ?? { userId: base.ownerId };
    const model = await this.deps.gateway.resolveEmbedding(base.ownerId, base.embeddingModelConfigId, context);
    const { embedding } = await embed({ model, value: request.query, ...(request.signal ? { abortSignal: request.signal } : {}) });
    // A query of only stop words or punctuation embeds to zero, which is similar to nothing.
    if (isZero(embedding)) return [];
    return this.deps.vectors.searchVectors({ knowledgeBaseId: base.id, vector: embedding, limit, filter: request.filter });
  }

  private async rerank<Hit extends { chunk: ScoredChunk; score: number }>(
    base: KnowledgeBaseRecord,
    request: RetrievalRequest,
    hits: Hit[],
  ): Promise<Hit[]> {
    const context = request.context ?? { userId: base.ownerId };
    const model = await this.deps.gateway.resolveRerank(base.ownerId, base.retrieval.rerank_model_config_id ?? undefined, context);
    const { ranking } = await rerank({
      model,
      query: request.query,
      documents: hits.map((hit) => hit.chunk.content),
      ...(request.signal ? { abortSignal: request.signal } : {}),
    });
    return ranking.map((entry) => ({ ...hits[entry.originalIndex]!, score: entry.score }));
  }
}

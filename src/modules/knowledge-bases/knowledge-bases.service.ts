import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import { pageOf, pageWindow } from '../../platform/pagination.js';
import type { VectorStore } from '../../platform/vector-store/index.js';
import { invalidChunking, knowledgeBaseNameTaken, knowledgeBaseNotFound } from './knowledge-bases.errors.js';
import type { KnowledgeBaseRecord, KnowledgeBasesRepository, KnowledgeBaseSummary } from './knowledge-bases.repository.js';
import type {
  CreateKnowledgeBaseInput,
  KnowledgeBaseResponse,
  ListKnowledgeBasesQuery,
  UpdateKnowledgeBaseInput,
} from './knowledge-bases.schemas.js';
import type { KnowledgeIngestion } from './knowledge-ingestion.js';

/** What the knowledge bases service is made of. */
export interface KnowledgeBasesServiceDeps {
  repository: KnowledgeBasesRepository;
  vectors: VectorStore;
  gateway: ModelGateway;
  ingestion: KnowledgeIngestion;
  clock: Clock;
  ids: IdGenerator;
}

/** The label of the built-in local embedder, as bases show it. */
export const LOCAL_EMBEDDING_LABEL = 'tiangong/local-lexical-384';

function toResponse(summary: KnowledgeBaseSummary, vectorStore: VectorStore['kind']): KnowledgeBaseResponse {
  const { base } = summary;
  return {
    id: base.id,
    name: base.name,
    description: base.description,
    embedding_model_config_id: base.embeddingModelConfigId,
    embedding_model: base.embeddingModel,
    embedding_dimensions: base.embeddingDimensions,
    chunking: base.chunking,
    retrieval: base.retrieval,
    document_count: summary.documentCount,
    chunk_count: summary.chunkCount,
    documents_by_status: summary.documentsByStatus,
    vector_store: vectorStore,
    owner_id: base.ownerId,
    created_at: base.createdAt.toISOString(),
    updated_at: base.updatedAt.toISOString(),
  };
}

/** Knowledge bases: their settings, lifecycle and re-indexing when the model or chunking changes. */
export class KnowledgeBasesService {
  constructor(private readonly deps: KnowledgeBasesServiceDeps) {}

  async list(actor: Actor, query: ListKnowledgeBasesQuery) {
    const page = await this.deps.repository.listByOwner(actor.userId, query.search, pageWindow(query));
    const counts = await this.deps.repository.countsOf(page.rows.map((row) => row.id));
    return pageOf(query, page, (base) => toResponse({ base, ...counts.get(base.id)! }, this.deps.vectors.kind));
  }

  async get(actor: Actor, id: string): Promise<KnowledgeBaseResponse> {
    return this.describe(await this.require(actor, id));
  }

  /** The caller's base, or 404 KNOWLEDGE_BASE_NOT_FOUND (someone else's base is not found either). */
  async require(actor: Actor, id: string): Promise<KnowledgeBaseRecord> {
    const base = await this.deps.repository.findOwned(actor.userId, id);
    if (!base) throw knowledgeBaseNotFound(id);
    return base;
  }

  /** Which of `ids` are not the caller's bases (agents check the bases they name). */
  async missing(actor: Actor, ids: readonly string[]): Promise<string[]> {
    const found = new Set((await this.deps.repository.findManyOwned(actor.userId, ids)).map((base) => base.id));
    return ids.filter((id) => !found.has(id));
  }

  async create(actor: Actor, input: CreateKnowledgeBaseInput): Promise<KnowledgeBaseResponse> {
    const embedding = await this.embeddingChoice(actor, input.embedding_model_config_id);
    if (input.retrieval.rerank_model_config_id) {
      await this.deps.gateway.requireConfig(actor.userId, input.retrieval.rerank_model_config_id, 'rerank');
    }
    const now = this.deps.clock.now();
    const base = await this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      name: input.name,
      description: input.description,
      embeddingModelConfigId: embedding.id,
      embeddingModel: embedding.label,
      chunking: input.chunking,
      retrieval: input.retrieval,
      createdAt: now,
      updatedAt: now,
    });
    if (!base) throw knowledgeBaseNameTaken(input.name);
    return this.describe(base);
  }

  /**
   * Applies the changes. A new embedding model empties the base's vectors and re-embeds every
   * document; new chunking re-chunks them (both from the stored text, nothing is fetched again).
   */
  async update(actor: Actor, id: string, input: UpdateKnowledgeBaseInput): Promise<KnowledgeBaseResponse> {
    const current = await this.require(actor, id);
    const chunking = { ...current.chunking, ...input.chunking };
    const retrieval = { ...current.retrieval, ...input.retrieval };
    if (chunking.chunk_overlap >= chunking.chunk_size) {
      throw invalidChunking();
    }
    if (input.retrieval?.rerank_model_config_id) {
      await this.deps.gateway.requireConfig(actor.userId, input.retrieval.rerank_model_config_id, 'rerank');
    }
    const modelChanged =
      input.embedding_model_config_id !== undefined && input.embedding_model_config_id !== current.embeddingModelConfigId;
    const embedding = modelChanged ? await this.embeddingChoice(actor, input.embedding_model_config_id) : null;
    const chunkingChanged = JSON.stringify(chunking) !== JSON.stringify(current.chunking);
    let updated: KnowledgeBaseRecord | null;
    try {
      updated = await this.deps.repository.update(id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(embedding ? { embeddingModelConfigId: embedding.id, embeddingModel: embedding.label } : {}),
        chunking,
        retrieval,
        updatedAt: this.deps.clock.now(),
      });
    } catch (error) {
      if (input.name !== undefined && (await this.nameTaken(actor, input.name, id))) throw knowledgeBaseNameTaken(input.name);
      throw error;
    }
    if (!updated) throw knowledgeBaseNotFound(id);
    if (modelChanged) await this.deps.vectors.reset(id);
    if (modelChanged || chunkingChanged) await this.reindex(id);
    return this.describe((await this.deps.repository.findOwned(actor.userId, id)) ?? updated);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.require(actor, id);
    // Chunks go first through the store, which also drops the base's vector index.
    await this.deps.vectors.reset(id);
    if (!(await this.deps.repository.delete(actor.userId, id))) throw knowledgeBaseNotFound(id);
  }

  private async reindex(id: string): Promise<void> {
    for (const documentId of await this.deps.repository.documentIds(id)) await this.deps.ingestion.enqueue(documentId);
  }

  private async nameTaken(actor: Actor, name: string, exceptId: string): Promise<boolean> {
    const page = await this.deps.repository.listByOwner(actor.userId, undefined, { offset: 0, limit: 1000 });
    return page.rows.some((base) => base.name === name && base.id !== exceptId);
  }

  /** The embedding model a base uses: the given config, the local embedder (null), or the caller's default. */
  private async embeddingChoice(actor: Actor, requested: string | null | undefined): Promise<{ id: string | null; label: string }> {
    if (requested === null) return { id: null, label: LOCAL_EMBEDDING_LABEL };
    const config = requested
      ? await this.deps.gateway.requireConfig(actor.userId, requested, 'embedding')
      : await this.deps.gateway.findDefault(actor.userId, 'embedding');
    return config ? { id: config.id, label: `${config.provider}/${config.modelName}` } : { id: null, label: LOCAL_EMBEDDING_LABEL };
  }

  private async describe(base: KnowledgeBaseRecord): Promise<KnowledgeBaseResponse> {
    const counts = await this.deps.repository.countsOf([base.id]);
    return toResponse({ base, ...counts.get(base.id)! }, this.deps.vectors.kind);
  }
}

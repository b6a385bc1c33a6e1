import type { Config } from './config/config.js';
import type { ToolRegistry } from './engine/tools/tool-registry.js';
import { KnowledgeBasesRepository } from './modules/knowledge-bases/knowledge-bases.repository.js';
import { KnowledgeBasesService } from './modules/knowledge-bases/knowledge-bases.service.js';
import { KnowledgeDocumentsService } from './modules/knowledge-bases/knowledge-documents.service.js';
import { KnowledgeGrounding } from './modules/knowledge-bases/knowledge-grounding.js';
import { KnowledgeIngestion } from './modules/knowledge-bases/knowledge-ingestion.js';
import { KnowledgeRag } from './modules/knowledge-bases/knowledge-rag.js';
import { KnowledgeSearch } from './modules/knowledge-bases/knowledge-search.js';
import { knowledgeSearchTool } from './modules/knowledge-bases/knowledge-search.tool.js';
import type { RunsService } from './modules/runs/runs.service.js';
import type { Clock } from './platform/clock.js';
import type { DatabaseHandle } from './platform/db/database.js';
import { extractText } from './platform/documents/extract-text.js';
import type { HttpClient } from './platform/http-client/index.js';
import type { IdGenerator } from './platform/ids.js';
import type { JobQueue } from './platform/jobs/job-queue.js';
import type { ModelGateway } from './platform/llm/gateway.js';
import type { RetryPolicy } from './platform/llm/retry-policy.js';
import type { Logger } from './platform/logger.js';
import { createVectorStore, type VectorStore } from './platform/vector-store/index.js';
import type { WorkspaceStore } from './platform/workspace/workspace-store.js';

/** The knowledge side of the container. */
export interface KnowledgeServices {
  vectors: VectorStore;
  knowledgeRepository: KnowledgeBasesRepository;
  knowledgeBases: KnowledgeBasesService;
  knowledgeDocuments: KnowledgeDocumentsService;
  knowledgeSearch: KnowledgeSearch;
  knowledgeRag: KnowledgeRag;
  knowledgeGrounding: KnowledgeGrounding;
  knowledgeIngestion: KnowledgeIngestion;
}

/** Wires knowledge bases: the vector store the database supports, ingestion jobs, search, RAG, the tool. */
export function createKnowledgeServices(options: {
  config: Config;
  database: DatabaseHandle;
  gateway: ModelGateway;
  workspace: WorkspaceStore;
  http: HttpClient;
  jobs: JobQueue;
  runs: RunsService;
  registry: ToolRegistry;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Waits between embedding retries (tests shorten them). */
  embeddingRetry?: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'> | undefined;
}): KnowledgeServices {
  const { config, database, gateway, clock, ids } = options;
  const { maxDocumentBytes } = config.knowledge;
  const repository = new KnowledgeBasesRepository(database.db);
  const vectors = createVectorStore(database);
  const ingestion = new KnowledgeIngestion({
    repository,
    vectors,
    gateway,
    source: { workspace: options.workspace, http: options.http, extractText, maxDocumentBytes, fetchTimeoutMs: 30_000 },
    jobs: options.jobs,
    clock,
    ids,
    logger: options.logger,
    embeddingRetry: {
      maxAttempts: config.knowledge.embeddingRetries + 1,
      initialDelayMs: options.embeddingRetry?.initialDelayMs ?? 1000,
      maxDelayMs: options.embeddingRetry?.maxDelayMs ?? 30_000,
    },
    concurrency: config.knowledge.ingestConcurrency,
  });
  const bases = new KnowledgeBasesService({ repository, vectors, gateway, ingestion, clock, ids });
  const search = new KnowledgeSearch({ repository, vectors, gateway });
  options.registry.register(knowledgeSearchTool({ repository, search }));
  return {
    vectors,
    knowledgeRepository: repository,
    knowledgeBases: bases,
    knowledgeDocuments: new KnowledgeDocumentsService({
      bases,
      repository,
      vectors,
      ingestion,
      workspace: options.workspace,
      http: options.http,
      maxDocumentBytes,
      clock,
      ids,
    }),
    knowledgeSearch: search,
    knowledgeRag: new KnowledgeRag({ search, gateway, runs: options.runs }),
    knowledgeGrounding: new KnowledgeGrounding({ repository, search }),
    knowledgeIngestion: ingestion,
  };
}

/**
 * npm run bench:kb — knowledge base ingestion and vector search at scale: chunks/s through the
 * real ingestion pipeline with an embedder that answers at once, and search p50/p99 with recall@10
 * against exact search, on 100,000 chunks of 768 dimensions by default. docs/benchmarks.md
 * explains the options and how to read the figures.
 *
 * The vectors are clustered and real-like (see kb-data.ts), made from a seed, identical for every
 * target. Baselines come from the same run: a plain INSERT of the same rows for ingestion, and
 * brute force over the same vectors in this process for search (which also gives the exact answer
 * recall is measured against).
 *
 * Targets: the embedded PGlite (pgvector HNSW) in a temporary directory, and a fresh database on
 * the PostgreSQL at KB_BENCH_POSTGRES_URL when it answers (pgvector's HNSW where the server has
 * pgvector, the exact-scan store otherwise; the output says which). Both are removed at the end.
 */
import { createVectorStore } from '../src/platform/vector-store/index.js';
import { ExactScanStore } from '../src/platform/vector-store/vector-store.exact.js';
import { PgvectorStore } from '../src/platform/vector-store/vector-store.pgvector.js';
import { BenchFailure, describeMachine, loadText, readBenchCount } from './bench-kit.js';
import { chunkTexts, clusteredVectors, queriesNear } from './kb-data.js';
import { buildCorpus, ingestThroughPipeline, plainInsertBaseline, timeIndexBuild, timeIndexRebuild, type Corpus } from './kb-ingest.js';
import { printReport, type SkippedTarget, type TargetReport } from './kb-report.js';
import { bruteForce, measureKeywordSearch, measureVectorSearch, TOP_K, type GroundTruth } from './kb-search.js';
import { disposeOnSignal, isReachable, openPgliteTarget, openPostgresTarget, type BenchDatabase, type TargetName } from './kb-target.js';
import type { QuerySet } from './kb-data.js';

/** The knobs of a run; every one has a KB_BENCH_* variable. */
export interface KbBenchOptions {
  readonly chunks: number;
  readonly dimensions: number;
  readonly queries: number;
  readonly targets: readonly TargetName[];
  readonly clusters: number;
  readonly chunksPerDocument: number;
  readonly baselineChunks: number;
  readonly concurrency: number;
  readonly warmupQueries: number;
  readonly seed: number;
  readonly postgresUrl: string;
  /**
   * pgvector only. `deferred`: the pipeline loads with no vector index and the index is built once
   * afterwards, as a batch import would; `per-document`: the store as the server wires it, whose
   * bulk-load hooks around each document drop, rebuild or update the index (slow past ~20k chunks).
   */
  readonly indexPolicy: 'deferred' | 'per-document';
  /** pgvector only: extra search series with these hnsw.ef_search values (the store's default is 200). */
  readonly efSearch: readonly number[];
}

function readEfSearch(): number[] {
  const text = process.env.KB_BENCH_EF_SEARCH?.trim() ?? '';
  const values = text === '' ? [] : text.split(',').map((value) => Number(value.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1 || value > 1000)) {
    throw new BenchFailure(`KB_BENCH_EF_SEARCH: "${text}" is not a list of whole numbers from 1 to 1000`);
  }
  return values;
}

function readIndexPolicy(): KbBenchOptions['indexPolicy'] {
  const text = process.env.KB_BENCH_INDEX?.trim() || 'deferred';
  if (text !== 'deferred' && text !== 'per-document') throw new BenchFailure(`KB_BENCH_INDEX: "${text}" is not deferred or per-document`);
  return text;
}

function readTargets(): TargetName[] {
  const text = process.env.KB_BENCH_TARGETS?.trim() || 'postgres,pglite';
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (name !== 'pglite' && name !== 'postgres') throw new BenchFailure(`KB_BENCH_TARGETS: unknown target "${name}" (pglite, postgres)`);
  }
  return [...new Set(names as TargetName[])];
}

function readOptions(): KbBenchOptions {
  const chunks = readBenchCount('KB_BENCH_CHUNKS', 100_000);
  return {
    chunks,
    dimensions: readBenchCount('KB_BENCH_DIMENSIONS', 768, 2),
    queries: readBenchCount('KB_BENCH_QUERIES', 200),
    targets: readTargets(),
    clusters: readBenchCount('KB_BENCH_CLUSTERS', 500),
    chunksPerDocument: readBenchCount('KB_BENCH_DOCUMENT_CHUNKS', 1_000),
    baselineChunks: Math.min(chunks, readBenchCount('KB_BENCH_BASELINE_CHUNKS', 10_000)),
    // The server's default KNOWLEDGE_INGEST_CONCURRENCY.
    concurrency: readBenchCount('KB_BENCH_CONCURRENCY', 2),
    warmupQueries: readBenchCount('KB_BENCH_WARMUP_QUERIES', 20, 1),
    seed: readBenchCount('KB_BENCH_SEED', 1, 0),
    postgresUrl: process.env.KB_BENCH_POSTGRES_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres',
    indexPolicy: readIndexPolicy(),
    efSearch: readEfSearch(),
  };
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Everything measured on one database. */
async function measureTarget(
  target: BenchDatabase,
  corpus: Corpus,
  queries: QuerySet,
  truth: GroundTruth,
  options: KbBenchOptions,
): Promise<TargetReport> {
  const vectors = createVectorStore(target.handle);
  const storeLabel = vectors.kind === 'pgvector' ? 'pgvector HNSW' : 'in-process store, IVF index (no pgvector on this server)';
  console.log(`[${target.name}] ${target.location}: vector store = ${storeLabel}`);

  console.log(`[${target.name}] baseline: plain INSERT of ${options.baselineChunks.toLocaleString('en-US')} rows (${options.concurrency} documents at once) …`);
  const baseline = await plainInsertBaseline(target, corpus, { chunkCount: options.baselineChunks, concurrency: options.concurrency });
  console.log(`[${target.name}]   ${seconds(baseline.wallMs)}`);

  // Deferred: the pipeline's per-document finishBulkLoad never builds (no base is that large); one build follows.
  const deferred = vectors.kind === 'pgvector' && options.indexPolicy === 'deferred';
  const loadingStore = deferred ? new PgvectorStore(target.handle.db, { indexMinChunks: Number.POSITIVE_INFINITY }) : vectors;
  const policy = vectors.kind === 'pgvector' ? `, index ${options.indexPolicy}` : '';
  console.log(`[${target.name}] ingestion: ${corpus.documents.length} documents through KnowledgeIngestion (concurrency ${options.concurrency}${policy}) …`);
  const ingestion = await ingestThroughPipeline(target, corpus, { vectors: loadingStore, concurrency: options.concurrency });
  console.log(`[${target.name}]   ${seconds(ingestion.wallMs)} (finishBulkLoad ${seconds(ingestion.finishMs)})`);

  let indexMs: number | null = null;
  if (vectors.kind === 'pgvector') {
    const what = deferred ? 'building' : 'rebuilding';
    console.log(`[${target.name}] ${what} the HNSW index over ${corpus.data.count.toLocaleString('en-US')} chunks …`);
    indexMs = deferred ? await timeIndexBuild(target, vectors) : await timeIndexRebuild(target, vectors, corpus.data.count);
    console.log(`[${target.name}]   ${seconds(indexMs)}`);
  }

  const searchOptions = { knowledgeBaseId: target.knowledgeBaseId, queries, truth, rowOfText: corpus.rowOfText, warmup: options.warmupQueries };
  console.log(`[${target.name}] vector search: ${queries.vectors.length} queries, top ${TOP_K} …`);
  // The in-process store builds its index in the background after the first search; wait for it.
  const ready = vectors instanceof ExactScanStore ? () => vectors.prepare(target.knowledgeBaseId) : undefined;
  const search = await measureVectorSearch({ vectors, ...searchOptions, ...(ready ? { ready } : {}) });
  const efSweep = [];
  for (const efSearch of vectors.kind === 'pgvector' ? options.efSearch : []) {
    efSweep.push({ efSearch, series: await measureVectorSearch({ vectors: new PgvectorStore(target.handle.db, { efSearch }), ...searchOptions }) });
  }
  // Exact scans in this process over the same rows: the in-database baseline of either store.
  console.log(`[${target.name}] vector search without an index: the in-process store scanning every vector …`);
  const exact = await measureVectorSearch({ vectors: new ExactScanStore(target.handle.db, { indexMinChunks: Number.POSITIVE_INFINITY }), ...searchOptions });
  const keywords = await measureKeywordSearch({ vectors, knowledgeBaseId: target.knowledgeBaseId, queries, texts: corpus.texts, warmup: options.warmupQueries });
  return { name: target.name, location: target.location, storeKind: vectors.kind, indexPolicy: deferred ? 'deferred' : 'per-document', baseline, ingestion, indexMs, search, efSweep, exact, keywords };
}

async function openTarget(name: TargetName, options: KbBenchOptions): Promise<BenchDatabase | string> {
  if (name === 'pglite') return openPgliteTarget();
  if (!(await isReachable(options.postgresUrl))) return `not reachable at ${new URL(options.postgresUrl).host}`;
  return openPostgresTarget(options.postgresUrl);
}

async function main(): Promise<void> {
  const options = readOptions();
  const machine = describeMachine();
  console.log(`machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.platform}; load average ${loadText()}`);
  console.log(
    `options: ${options.chunks.toLocaleString('en-US')} chunks × ${options.dimensions} dimensions in ${options.clusters} clusters, ` +
      `${options.chunksPerDocument} chunks per document, ${options.queries} queries, targets ${options.targets.join(', ')}`,
  );
  const startedAt = performance.now();
  const data = clusteredVectors({ count: options.chunks, dimensions: options.dimensions, clusters: options.clusters, seed: options.seed });
  const texts = chunkTexts(data, { clusters: options.clusters, length: 400, seed: options.seed + 1 });
  const corpus = buildCorpus(data, texts, options.chunksPerDocument);
  const queries = queriesNear(data, options.queries, options.seed + 2);
  console.log(`data: generated in ${seconds(performance.now() - startedAt)}; computing the exact top 10 of every query …`);
  const truth = bruteForce(data, queries);

  const reports: Array<TargetReport | SkippedTarget> = [];
  const open = new Set<BenchDatabase>();
  const stopDisposingOnSignal = disposeOnSignal(open);
  try {
    for (const name of options.targets) {
      const target = await openTarget(name, options);
      if (typeof target === 'string') {
        console.log(`[${name}] skipped: ${target}`);
        reports.push({ name, skipped: target });
        continue;
      }
      open.add(target);
      try {
        const report = await measureTarget(target, corpus, queries, truth, options);
        reports.push(report);
        // Each target's figures as soon as they exist, in case a later target fails.
        console.log(`KB_TARGET_RESULT ${JSON.stringify(report)}`);
      } finally {
        await target.dispose();
        open.delete(target);
      }
    }
  } finally {
    stopDisposingOnSignal();
  }
  console.log(`\nload average at the end: ${loadText()}`);
  printReport({ options, machine, truth, reports, totalMs: performance.now() - startedAt });
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchFailure ? `bench failed: ${error.message}` : error);
  process.exitCode = 1;
});

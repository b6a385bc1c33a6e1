/**
 * Search for bench:kb: latency of VectorStore.searchVectors (top 10) one query at a time, recall@10
 * against the exact answer, the brute-force baseline in JS, and the keyword search that hybrid
 * retrieval runs beside the vector search.
 */
import type { VectorStore } from '../src/platform/vector-store/index.js';
import { BenchFailure } from './bench-kit.js';
import { asProviderVector, exactTopK, type QuerySet, type VectorSet } from './kb-data.js';
import { summarizeLatencies, type LatencySummary } from './latency-kit.js';

/** Hits per search, and so the k of recall@k. */
export const TOP_K = 10;

/** Latencies of a series of searches, and their mean recall@10 when it applies. */
export interface SearchSeries {
  readonly latency: LatencySummary;
  readonly recall: number | null;
  /** The first, uncounted search (the in-process store loads the base's vectors then). */
  readonly firstMs: number;
  /** After the first search, waiting for the store to be ready (the in-process store's index build), or null. */
  readonly readyMs: number | null;
}

/** The exact top 10 of each query, and how long computing each took (the brute-force baseline). */
export interface GroundTruth {
  readonly rows: number[][];
  readonly latency: LatencySummary;
}

/** Brute force over the Float32Array in this process: the exact answer, and the baseline's timing. */
export function bruteForce(data: VectorSet, queries: QuerySet): GroundTruth {
  // Two uncounted runs, so the timed ones are JIT-compiled.
  for (const query of queries.vectors.slice(0, 2)) exactTopK(data, query, TOP_K);
  const samples: number[] = [];
  const rows = queries.vectors.map((query) => {
    const startedAt = performance.now();
    const best = exactTopK(data, query, TOP_K);
    samples.push(performance.now() - startedAt);
    return best;
  });
  return { rows, latency: summarizeLatencies(samples) };
}

/**
 * Runs every query through `searchVectors` (top 10), one at a time, after `warmup` uncounted ones,
 * and scores each answer against the exact top 10 (hits mapped back to rows by their text).
 */
export async function measureVectorSearch(options: {
  vectors: VectorStore;
  knowledgeBaseId: string;
  queries: QuerySet;
  truth: GroundTruth;
  rowOfText: ReadonlyMap<string, number>;
  warmup: number;
  /** Awaited after the first search and timed: waits for whatever the store builds in the background. */
  ready?: () => Promise<unknown>;
}): Promise<SearchSeries> {
  const { vectors, knowledgeBaseId, queries, truth } = options;
  // As the query embedding arrives from the model, before the clock starts.
  const embeddings = queries.vectors.map(asProviderVector);
  const search = (index: number) => vectors.searchVectors({ knowledgeBaseId, vector: embeddings[index]!, limit: TOP_K });
  const firstStartedAt = performance.now();
  await search(0);
  const firstMs = performance.now() - firstStartedAt;
  const readyStartedAt = performance.now();
  await options.ready?.();
  const readyMs = options.ready ? performance.now() - readyStartedAt : null;
  for (let index = 1; index < options.warmup; index++) await search(index % queries.vectors.length);
  const samples: number[] = [];
  let found = 0;
  for (let index = 0; index < queries.vectors.length; index++) {
    const startedAt = performance.now();
    const hits = await search(index);
    samples.push(performance.now() - startedAt);
    const exact = new Set(truth.rows[index]);
    found += hits.filter((hit) => exact.has(options.rowOfText.get(hit.content) ?? -1)).length;
  }
  return { latency: summarizeLatencies(samples), recall: found / (queries.vectors.length * TOP_K), firstMs, readyMs };
}

/** Keyword search latency: a few words of each query's source chunk, top 40 as hybrid retrieval asks. */
export async function measureKeywordSearch(options: {
  vectors: VectorStore;
  knowledgeBaseId: string;
  queries: QuerySet;
  texts: readonly string[];
  warmup: number;
}): Promise<SearchSeries> {
  const { vectors, knowledgeBaseId, queries, texts } = options;
  // Words 2 to 5 of the chunk (after "Section N."), a short query of topic and common words.
  const queryTexts = queries.sources.map((row) => texts[row]!.split(' ').slice(2, 6).join(' '));
  const search = (index: number) => vectors.searchKeywords({ knowledgeBaseId, text: queryTexts[index]!, limit: 40 });
  const firstStartedAt = performance.now();
  await search(0);
  const firstMs = performance.now() - firstStartedAt;
  for (let index = 1; index < options.warmup; index++) await search(index % queryTexts.length);
  const samples: number[] = [];
  for (let index = 0; index < queryTexts.length; index++) {
    const startedAt = performance.now();
    const hits = await search(index);
    samples.push(performance.now() - startedAt);
    if (hits.length === 0) throw new BenchFailure(`keyword search found nothing for "${queryTexts[index]}"`);
  }
  return { latency: summarizeLatencies(samples), recall: null, firstMs, readyMs: null };
}

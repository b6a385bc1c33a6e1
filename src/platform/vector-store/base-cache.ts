import type { Database } from '../db/database.js';
import { loadBaseVectors, refreshBaseVectors, type BaseVectors } from './base-vectors.js';
import { IvfIndex, ivfBuildOptionsFor } from './ivf-index.js';
import { runInSlices } from './run-in-slices.js';

/** A base's vectors of one generation, with an IVF index over exactly those rows when one is ready. */
export interface CachedBase {
  readonly vectors: BaseVectors;
  readonly index: IvfIndex | null;
}

/** What the cache keeps in memory, and when a base gets an index. */
export interface BaseCacheOptions {
  /** Most bytes of vectors kept across bases; least recently used bases go first. */
  maxBytes: number;
  /** A base of at least this many chunks gets an IVF index, built in the background. */
  indexMinChunks: number;
  /** Longest stretch of index building between two turns of the event loop. */
  sliceMs?: number;
}

/** An index being built, and how to map its rows onto the base's current ones. */
interface Build {
  readonly rowsOf: BaseVectors;
  /** Current row -> row of `rowsOf` (-1: added since), or null while the rows are the same. */
  mapping: Int32Array | null;
  readonly abort: AbortController;
  done: Promise<void>;
}

interface Entry {
  vectors: BaseVectors;
  index: IvfIndex | null;
  build: Build | null;
}

// An index trained for a base this many times smaller or larger than it is now gets retrained,
// and so does one into which more than this share of its rows were added since training (new
// rows may form clusters the centroids never saw, spread over lists that queries do not probe).
const RETRAIN_FACTOR = 2;
const RETRAIN_ADDED_SHARE = 0.2;

/**
 * The vectors of recently searched bases, kept in this process per generation (bumped by every
 * write), and their IVF indexes. A newer generation is read incrementally when little changed; the
 * index then follows the rows without retraining, and is rebuilt in the background only when the
 * base has grown or shrunk a lot. Loads of one base run one at a time.
 */
export class BaseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();

  constructor(
    private readonly db: Database,
    private readonly options: BaseCacheOptions,
  ) {}

  /** The base's vectors as of `generation` or later (loading or refreshing them when needed). */
  async get(knowledgeBaseId: string, state: { generation: number; dimensions: number }): Promise<CachedBase> {
    for (;;) {
      const entry = this.entries.get(knowledgeBaseId);
      if (entry && entry.vectors.generation >= state.generation && entry.vectors.dimensions === state.dimensions) {
        this.touch(knowledgeBaseId, entry);
        return entry;
      }
      const pending = this.loading.get(knowledgeBaseId);
      if (pending) {
        await pending;
        continue;
      }
      const load = this.load(knowledgeBaseId, entry, state).finally(() => this.loading.delete(knowledgeBaseId));
      this.loading.set(knowledgeBaseId, load);
      return load;
    }
  }

  /** The base's rows as last read, whatever the generation now (the caller checks it), or undefined. */
  peek(knowledgeBaseId: string): CachedBase | undefined {
    const entry = this.entries.get(knowledgeBaseId);
    if (entry) this.touch(knowledgeBaseId, entry);
    return entry;
  }

  /** Drops the base from memory and stops its index build. */
  forget(knowledgeBaseId: string): void {
    this.entries.get(knowledgeBaseId)?.build?.abort.abort();
    this.entries.delete(knowledgeBaseId);
  }

  /** Waits for the base's load and index build in progress; true when the base then has an index. */
  async whenIndexed(knowledgeBaseId: string): Promise<boolean> {
    for (;;) {
      await this.loading.get(knowledgeBaseId)?.catch(() => undefined);
      const entry = this.entries.get(knowledgeBaseId);
      if (!entry?.build) return entry?.index != null;
      await entry.build.done;
    }
  }

  private async load(knowledgeBaseId: string, previous: Entry | undefined, state: { generation: number; dimensions: number }): Promise<Entry> {
    const refreshable = previous !== undefined && previous.vectors.dimensions === state.dimensions;
    const { vectors, previousRow } = refreshable
      ? await refreshBaseVectors(this.db, previous.vectors, state.generation)
      : { vectors: await loadBaseVectors(this.db, { knowledgeBaseId, ...state }), previousRow: null };
    const entry: Entry = { vectors, index: null, build: null };
    if (previous && previousRow) {
      entry.index = previous.index?.remapped(vectors, previousRow) ?? null;
      entry.build = previous.build && followRows(previous.build, previousRow);
    } else previous?.build?.abort.abort();
    this.remember(knowledgeBaseId, entry);
    if (this.needsBuild(entry)) this.startBuild(knowledgeBaseId, entry);
    return entry;
  }

  private needsBuild(entry: Entry): boolean {
    const { count } = entry.vectors;
    if (entry.build || count < this.options.indexMinChunks) return false;
    if (!entry.index) return true;
    const { trainedCount, addedSinceTraining } = entry.index;
    return count > trainedCount * RETRAIN_FACTOR || count * RETRAIN_FACTOR < trainedCount || addedSinceTraining > trainedCount * RETRAIN_ADDED_SHARE;
  }

  /** Builds an index over the entry's rows in the background; the exact scan serves meanwhile. */
  private startBuild(knowledgeBaseId: string, entry: Entry): void {
    const abort = new AbortController();
    const build: Build = { rowsOf: entry.vectors, mapping: null, abort, done: Promise.resolve() };
    const steps = IvfIndex.build(entry.vectors, ivfBuildOptionsFor(entry.vectors.count));
    build.done = runInSlices(steps, { signal: abort.signal, ...(this.options.sliceMs ? { sliceMs: this.options.sliceMs } : {}) }).then(
      (index) => {
        const current = this.entries.get(knowledgeBaseId);
        if (current?.build !== build) return;
        current.index = build.mapping ? index.remapped(current.vectors, build.mapping) : index;
        current.build = null;
      },
      // Stopped (base forgotten or reloaded whole), or failed: searches stay exact until the next load.
      () => {
        const current = this.entries.get(knowledgeBaseId);
        if (current?.build === build) current.build = null;
      },
    );
    entry.build = build;
  }

  /** Map order is the LRU order: re-inserting marks the base as recently used. */
  private touch(knowledgeBaseId: string, entry: Entry): void {
    this.entries.delete(knowledgeBaseId);
    this.entries.set(knowledgeBaseId, entry);
  }

  private remember(knowledgeBaseId: string, entry: Entry): void {
    this.touch(knowledgeBaseId, entry);
    let total = 0;
    for (const cached of this.entries.values()) total += cached.vectors.vectors.byteLength;
    for (const [id, cached] of this.entries) {
      if (total <= this.options.maxBytes || id === knowledgeBaseId) break;
      this.forget(id);
      total -= cached.vectors.vectors.byteLength;
    }
  }
}

/** The build carried over to refreshed rows: its mapping now goes from the new rows to the build's. */
function followRows(build: Build, previousRow: Int32Array): Build {
  const { mapping } = build;
  build.mapping = mapping ? previousRow.map((row) => (row >= 0 ? mapping[row]! : -1)) : previousRow;
  return build;
}

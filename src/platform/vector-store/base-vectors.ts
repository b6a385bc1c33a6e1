import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { knowledgeChunks } from '../db/schema/index.js';
import { queryRows } from './chunk-table.js';
import { normaliseAt, type VectorMatrix } from './vector-math.js';

/** A base's vectors as of one generation: unit vectors in one flat array, row `r` being chunk `ids[r]`. */
export interface BaseVectors extends VectorMatrix {
  readonly knowledgeBaseId: string;
  readonly generation: number;
  readonly ids: readonly string[];
  readonly rowOf: ReadonlyMap<string, number>;
}

/** A refreshed base, and where each of its rows was in the previous one (-1: new). */
export interface RefreshedVectors {
  vectors: BaseVectors;
  previousRow: Int32Array | null;
}

// Rows per statement while loading: bounded memory per result, and other queries can run between pages.
const PAGE_ROWS = 2_000;
// When more than this share of the base changed, one full load is cheaper than fetching the changes.
const FULL_RELOAD_SHARE = 0.5;

/**
 * Reads vector `dimensions` floats out of an `array_send(real[])` value: a 20-byte header for one
 * dimension, then per element a 4-byte length and a big-endian float4. Binary is ~3 times smaller
 * than the text form and needs no float parsing on either side. False when the value is not a
 * one-dimensional array of that length without NULLs.
 */
function unpackInto(packed: Uint8Array, dimensions: number, target: Float32Array, offset: number): boolean {
  if (packed.byteLength !== 20 + 8 * dimensions) return false;
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  if (view.getInt32(0) !== 1 || view.getInt32(12) !== dimensions) return false;
  for (let index = 0, position = 20; index < dimensions; index++, position += 8) {
    if (view.getInt32(position) !== 4) return false;
    target[offset + index] = view.getFloat32(position + 4);
  }
  normaliseAt(target, offset, dimensions);
  return true;
}

/** Collects rows into a growing matrix (doubling its array), skipping unusable values. */
class MatrixBuilder {
  private vectors: Float32Array;
  readonly ids: string[] = [];

  constructor(
    readonly dimensions: number,
    capacity: number,
  ) {
    this.vectors = new Float32Array(Math.max(1, capacity) * dimensions);
  }

  private reserve(): number {
    const offset = this.ids.length * this.dimensions;
    if (offset + this.dimensions > this.vectors.length) {
      const grown = new Float32Array(Math.max(this.vectors.length * 2, offset + this.dimensions));
      grown.set(this.vectors);
      this.vectors = grown;
    }
    return offset;
  }

  addPacked(id: string, packed: Uint8Array): void {
    if (unpackInto(packed, this.dimensions, this.vectors, this.reserve())) this.ids.push(id);
  }

  addRow(id: string, source: Float32Array, row: number): void {
    const offset = this.reserve();
    this.vectors.set(source.subarray(row * this.dimensions, (row + 1) * this.dimensions), offset);
    this.ids.push(id);
  }

  finish(knowledgeBaseId: string, generation: number): BaseVectors {
    const count = this.ids.length;
    return {
      knowledgeBaseId,
      generation,
      dimensions: this.dimensions,
      count,
      ids: this.ids,
      vectors: this.vectors.length === count * this.dimensions ? this.vectors : this.vectors.slice(0, count * this.dimensions),
      rowOf: new Map(this.ids.map((id, row) => [id, row])),
    };
  }
}

/** The vectors of `ids` (any order), page by page, into `builder`; rows deleted meanwhile are skipped. */
async function fetchVectors(db: Database, ids: readonly string[], builder: MatrixBuilder): Promise<void> {
  for (let start = 0; start < ids.length; start += PAGE_ROWS) {
    const page = ids.slice(start, start + PAGE_ROWS);
    const rows = await queryRows<{ id: string; packed: Uint8Array }>(
      db,
      sql`select id, array_send(embedding) as packed from ${knowledgeChunks} where id = any(${`{${page.join(',')}}`}::uuid[])`,
    );
    for (const row of rows) builder.addPacked(row.id, row.packed);
  }
}

/** The ids of the base's chunks that have a vector. */
async function chunkIds(db: Database, knowledgeBaseId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from ${knowledgeChunks} where knowledge_base_id = ${knowledgeBaseId} and embedding is not null`,
  );
  return rows.map((row) => row.id);
}

/**
 * The base's vectors of `dimensions` floats (others are skipped). The ids come first, then the
 * vectors by id in pages, so no statement sorts or holds the whole base, and other queries run
 * between pages (PGlite runs one statement at a time).
 */
export async function loadBaseVectors(db: Database, options: { knowledgeBaseId: string; dimensions: number; generation: number }): Promise<BaseVectors> {
  const ids = await chunkIds(db, options.knowledgeBaseId);
  const builder = new MatrixBuilder(options.dimensions, ids.length);
  await fetchVectors(db, ids, builder);
  return builder.finish(options.knowledgeBaseId, options.generation);
}

/**
 * The base's vectors at a newer generation, reading only what changed when little did. Steps: list
 * the base's chunk ids; keep the rows of ids still there; fetch the vectors of new ids; or, when
 * more than half the base changed, load it all again. Chunks are never updated in place (a
 * document's new chunks get new ids), so an id still there still has the same vector.
 */
export async function refreshBaseVectors(db: Database, previous: BaseVectors, generation: number): Promise<RefreshedVectors> {
  const { knowledgeBaseId, dimensions } = previous;
  const current = await chunkIds(db, knowledgeBaseId);
  const added = current.filter((id) => !previous.rowOf.has(id));
  const removed = previous.count - (current.length - added.length);
  const builder = new MatrixBuilder(dimensions, current.length);
  if (previous.count === 0 || added.length + removed > FULL_RELOAD_SHARE * Math.max(current.length, previous.count)) {
    await fetchVectors(db, current, builder);
    return { vectors: builder.finish(knowledgeBaseId, generation), previousRow: null };
  }
  const previousRows: number[] = [];
  const stillThere = new Set(current);
  previous.ids.forEach((id, row) => {
    if (!stillThere.has(id)) return;
    builder.addRow(id, previous.vectors, row);
    previousRows.push(row);
  });
  await fetchVectors(db, added, builder);
  const vectors = builder.finish(knowledgeBaseId, generation);
  const previousRow = new Int32Array(vectors.count).fill(-1);
  previousRow.set(previousRows);
  return { vectors, previousRow };
}

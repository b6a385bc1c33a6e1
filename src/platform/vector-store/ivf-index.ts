import { trainCentroids, type CentroidAssigner, type CentroidTraining } from './spherical-kmeans.js';
import { topByScore } from './top-by-score.js';
import { dotRow, type VectorMatrix } from './vector-math.js';

/** How an IVF index is built. */
export type IvfBuildOptions = CentroidTraining;

/** What one IVF search scans. */
export interface IvfSearchOptions {
  limit: number;
  /**
   * Accepted rows to score before stopping: lists are probed nearest first until this many rows
   * that pass `accept` were scored (so a filter that refuses most rows widens the probe).
   */
  candidates: number;
  accept?: ((row: number) => boolean) | undefined;
}

/** A scored row of the matrix. */
export interface RowHit {
  row: number;
  score: number;
}

/** Build options for a base of `count` rows: about √n lists, each trained on ~40 sample rows. */
export function ivfBuildOptionsFor(count: number, seed = 1): IvfBuildOptions {
  const lists = Math.max(1, Math.min(4096, Math.round(Math.sqrt(count))));
  return { lists, sketchDimensions: 64, trainingRows: Math.min(count, lists * 40), iterations: 10, seed };
}

/**
 * An inverted-file (IVF) index over a matrix of unit vectors: rows are clustered into lists, and a
 * search scores only the rows of the lists whose centroids are nearest the query, so it reads a few
 * percent of the rows instead of all of them. Scores are exact dot products, so whatever it returns
 * is ranked and scored exactly; it may only miss a neighbour that sits in a list it did not probe.
 * Rows are listed per list in one array: list `l` is `rows[start[l] .. start[l + 1])`.
 */
export class IvfIndex {
  private constructor(
    private readonly assigner: CentroidAssigner,
    private readonly listOf: Int32Array,
    private readonly start: Int32Array,
    private readonly rows: Int32Array,
    /** Rows the centroids were trained for; far fewer or more rows now means time to retrain. */
    readonly trainedCount: number,
    /** Rows assigned to the lists since: they may belong to clusters the centroids never saw. */
    readonly addedSinceTraining: number,
  ) {}

  /**
   * Builds the index, yielding between small units of work so a caller can spread it over many
   * event-loop turns. Steps: train spherical k-means centroids on a sample; assign every row to
   * its nearest centroid; lay the lists out.
   */
  static *build(matrix: VectorMatrix, options: IvfBuildOptions): Generator<void, IvfIndex, void> {
    const assigner = yield* trainCentroids(matrix, options);
    const listOf = new Int32Array(matrix.count);
    for (let row = 0; row < matrix.count; row++) {
      listOf[row] = assigner.nearest(matrix.vectors, row);
      if (row % 128 === 127) yield;
    }
    return IvfIndex.assemble(assigner, listOf, { trainedCount: matrix.count, addedSinceTraining: 0 });
  }

  private static assemble(assigner: CentroidAssigner, listOf: Int32Array, history: { trainedCount: number; addedSinceTraining: number }): IvfIndex {
    // A counting sort by list.
    const lists = assigner.lists;
    const start = new Int32Array(lists + 1);
    for (const list of listOf) start[list + 1]! += 1;
    for (let list = 0; list < lists; list++) start[list + 1]! += start[list]!;
    const next = start.slice(0, lists);
    const rows = new Int32Array(listOf.length);
    listOf.forEach((list, row) => {
      rows[next[list]!++] = row;
    });
    return new IvfIndex(assigner, listOf, start, rows, history.trainedCount, history.addedSinceTraining);
  }

  /** How many lists the rows are split into. */
  get lists(): number {
    return this.assigner.lists;
  }

  /** How many rows the index covers. */
  get count(): number {
    return this.listOf.length;
  }

  /**
   * The best rows for `query` (a unit vector), best first. Steps: rank the lists by their
   * centroid's similarity to the query (see {@link CentroidAssigner.rank}); score the rows of the
   * nearest lists, skipping rows `accept` refuses, until `candidates` rows were scored (always
   * whole lists); keep the `limit` best.
   */
  search(matrix: VectorMatrix, query: Float32Array, options: IvfSearchOptions): RowHit[] {
    const { dimensions, vectors } = matrix;
    const { start, rows } = this;
    const scored: number[] = [];
    const scores: number[] = [];
    for (const list of this.assigner.rank(query)) {
      for (let index = start[list]!; index < start[list + 1]!; index++) {
        const row = rows[index]!;
        if (options.accept && !options.accept(row)) continue;
        scored.push(row);
        scores.push(dotRow(vectors, row, query, dimensions));
      }
      if (scored.length >= options.candidates) break;
    }
    return topByScore(Float32Array.from(scores), options.limit).map((index) => ({ row: scored[index]!, score: scores[index]! }));
  }

  /**
   * The index for a changed matrix, without retraining: kept rows stay in their lists, new rows go
   * to the list of their nearest centroid. `previousRow[r]` is the row that row `r` of `matrix` had
   * in the matrix this index was built for, or -1 for a new row.
   */
  remapped(matrix: VectorMatrix, previousRow: Int32Array): IvfIndex {
    const listOf = new Int32Array(matrix.count);
    let added = 0;
    for (let row = 0; row < matrix.count; row++) {
      const previous = previousRow[row]!;
      if (previous >= 0) listOf[row] = this.listOf[previous]!;
      else {
        listOf[row] = this.assigner.nearest(matrix.vectors, row);
        added += 1;
      }
    }
    return IvfIndex.assemble(this.assigner, listOf, { trainedCount: this.trainedCount, addedSinceTraining: this.addedSinceTraining + added });
  }
}

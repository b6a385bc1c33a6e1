import { describe, expect, it } from 'vitest';
import { IvfIndex, ivfBuildOptionsFor, type IvfBuildOptions } from './ivf-index.js';
import { runInSlices } from './run-in-slices.js';
import { topByScore } from './top-by-score.js';
import { dotRow, normaliseAt, seededRandom, type VectorMatrix } from './vector-math.js';

/** `count` unit vectors around `clusters` random centres (spread 0.6), in random order. */
function clusteredMatrix(options: { count: number; dimensions: number; clusters: number; seed: number }): VectorMatrix {
  const { count, dimensions, clusters } = options;
  const random = seededRandom(options.seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Float32Array.from({ length: clusters * dimensions }, gaussian);
  for (let cluster = 0; cluster < clusters; cluster++) normaliseAt(centres, cluster * dimensions, dimensions);
  const vectors = new Float32Array(count * dimensions);
  for (let row = 0; row < count; row++) {
    const cluster = Math.floor(random() * clusters);
    for (let index = 0; index < dimensions; index++) {
      vectors[row * dimensions + index] = centres[cluster * dimensions + index]! + (0.6 * gaussian()) / Math.sqrt(dimensions);
    }
    normaliseAt(vectors, row * dimensions, dimensions);
  }
  return { count, dimensions, vectors };
}

/** Query `index` of a set: a data row moved by noise, normalised. */
function queryNear(matrix: VectorMatrix, row: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const query = matrix.vectors.slice(row * matrix.dimensions, (row + 1) * matrix.dimensions);
  for (let index = 0; index < query.length; index++) query[index]! += (random() - 0.5) * 0.05;
  normaliseAt(query, 0, query.length);
  return query;
}

function exactTop(matrix: VectorMatrix, query: Float32Array, limit: number, accept?: (row: number) => boolean): number[] {
  const scores = Float32Array.from({ length: matrix.count }, (_value, row) => dotRow(matrix.vectors, row, query, matrix.dimensions));
  return topByScore(scores, limit, accept);
}

function build(matrix: VectorMatrix, options: IvfBuildOptions = ivfBuildOptionsFor(matrix.count)): IvfIndex {
  const steps = IvfIndex.build(matrix, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Mean share of the exact top `limit` that the index returns, over queries near rows 0, 37, 74 … */
function recall(index: IvfIndex, matrix: VectorMatrix, options: { limit: number; candidates: number; accept?: (row: number) => boolean }): number {
  let found = 0;
  const queries = 40;
  for (let query = 0; query < queries; query++) {
    const vector = queryNear(matrix, (query * 37) % matrix.count, query);
    const exact = new Set(exactTop(matrix, vector, options.limit, options.accept));
    found += index.search(matrix, vector, options).filter((hit) => exact.has(hit.row)).length;
  }
  return found / (queries * options.limit);
}

const matrix = clusteredMatrix({ count: 4_000, dimensions: 48, clusters: 40, seed: 7 });
const index = build(matrix);

describe('IvfIndex', () => {
  it('splits the rows into about √n lists and finds nearly all exact neighbours from a few of them', () => {
    expect(index.lists).toBe(63);
    expect(index.count).toBe(4_000);
    // 400 candidates: about a tenth of the rows.
    expect(recall(index, matrix, { limit: 10, candidates: 400 })).toBeGreaterThanOrEqual(0.95);
  });

  it('scores hits exactly and returns them best first', () => {
    const query = queryNear(matrix, 5, 99);
    const hits = index.search(matrix, query, { limit: 10, candidates: 400 });
    expect(hits).toHaveLength(10);
    for (const hit of hits) expect(hit.score).toBeCloseTo(dotRow(matrix.vectors, hit.row, query, matrix.dimensions), 6);
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((left, right) => right - left));
    expect(hits[0]!.row).toBe(5);
  });

  it('with every row as a candidate, is exact', () => {
    const query = queryNear(matrix, 11, 3);
    const hits = index.search(matrix, query, { limit: 20, candidates: matrix.count });
    expect(hits.map((hit) => hit.row)).toEqual(exactTop(matrix, query, 20));
  });

  it('returns only accepted rows, and widens the probe until enough of them were scored', () => {
    const accept = (row: number) => row % 50 === 0;
    const query = queryNear(matrix, 100, 5);
    const hits = index.search(matrix, query, { limit: 10, candidates: 40, accept });
    expect(hits).toHaveLength(10);
    expect(hits.every((hit) => accept(hit.row))).toBe(true);
    expect(recall(index, matrix, { limit: 10, candidates: 40, accept })).toBeGreaterThanOrEqual(0.9);
  });

  it('follows added and removed rows without retraining', () => {
    // Drop the first 500 rows; append 500 new ones, each near one of the dropped rows.
    const vectors = new Float32Array(4_000 * 48);
    vectors.set(matrix.vectors.subarray(500 * 48));
    for (let row = 0; row < 500; row++) vectors.set(queryNear(matrix, row, 1_000 + row), (3_500 + row) * 48);
    const changed: VectorMatrix = { count: 4_000, dimensions: 48, vectors };
    const previousRow = Int32Array.from({ length: 4_000 }, (_value, row) => (row < 3_500 ? row + 500 : -1));

    const remapped = index.remapped(changed, previousRow);

    expect(remapped.count).toBe(4_000);
    expect(remapped.trainedCount).toBe(4_000);
    expect(remapped.addedSinceTraining).toBe(500);
    const hits = remapped.search(changed, queryNear(changed, 3_600, 1), { limit: 10, candidates: 400 });
    expect(hits[0]!.row).toBe(3_600);
    expect(recall(remapped, changed, { limit: 10, candidates: 400 })).toBeGreaterThanOrEqual(0.95);
  });

  it('builds the same index in slices, and stops when aborted', async () => {
    const small = clusteredMatrix({ count: 600, dimensions: 16, clusters: 6, seed: 3 });
    const options = ivfBuildOptionsFor(small.count);
    const sliced = await runInSlices(IvfIndex.build(small, options), { sliceMs: 1 });
    const query = queryNear(small, 9, 9);
    expect(sliced.search(small, query, { limit: 5, candidates: 100 })).toEqual(build(small, options).search(small, query, { limit: 5, candidates: 100 }));

    const abort = new AbortController();
    abort.abort(new Error('stopped'));
    await expect(runInSlices(IvfIndex.build(small, options), { signal: abort.signal })).rejects.toThrow('stopped');
  });

  it('copes with fewer rows than lists, and with a single row', () => {
    const tiny = clusteredMatrix({ count: 3, dimensions: 8, clusters: 2, seed: 1 });
    const tinyIndex = build(tiny, { ...ivfBuildOptionsFor(3), lists: 10 });
    expect(tinyIndex.lists).toBe(3);
    expect(tinyIndex.search(tiny, queryNear(tiny, 2, 1), { limit: 5, candidates: 1 }).length).toBeGreaterThanOrEqual(1);
    const one = clusteredMatrix({ count: 1, dimensions: 8, clusters: 1, seed: 1 });
    expect(build(one).search(one, queryNear(one, 0, 1), { limit: 3, candidates: 10 }).map((hit) => hit.row)).toEqual([0]);
  });
});

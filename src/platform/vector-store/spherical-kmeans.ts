import { CountSketch } from './count-sketch.js';
import { topByScore } from './top-by-score.js';
import { dotRow, normaliseAt, seededRandom, type VectorMatrix } from './vector-math.js';

/** How centroids are trained. */
export interface CentroidTraining {
  lists: number;
  /** Length of the sketches that shortlist centroids. */
  sketchDimensions: number;
  trainingRows: number;
  iterations: number;
  seed: number;
}

// Centroids whose sketches match a row best, among which the full vectors pick the nearest. On
// bench:kb's 20k x 768 set (141 lists, 64-value sketches), recall@10 at 500 rows scored was 0.915
// choosing by sketch alone, 0.944 with 8, 0.977 with 32, 0.981 comparing full vectors with every
// centroid (2.7 times the build time).
const SHORTLIST = 32;
// A query is noisier than a row (it is not one of the rows the centroids were trained on), so a
// search shortlists more lists before ranking them by full dot products. bench:kb's sets, recall@10
// scoring 500 rows at 20k chunks (141 lists): 0.964 with 32, 0.974 with 64, 0.977 ranking every
// list by full vectors; scoring 250 rows at 100k chunks (316 lists): 0.981 with 64, 0.989 with 128.
const QUERY_SHORTLIST = 128;

/**
 * Finds the nearest of `lists` unit centroids to a row in two steps: the row's sketch shortlists
 * the centroids whose sketches match it best, then full dot products pick among those. A sketch
 * alone is too coarse to choose (it blurs nearby centroids), but it rarely leaves the nearest one
 * out of a shortlist, so this costs a fraction of comparing full vectors with every centroid.
 */
export class CentroidAssigner {
  private readonly sketchCentroids: Float32Array;
  private readonly scratch: Float32Array;
  private readonly listScores: Float32Array;

  constructor(
    readonly sketch: CountSketch,
    readonly centroids: Float32Array,
    readonly lists: number,
  ) {
    const width = sketch.outputDimensions;
    this.sketchCentroids = new Float32Array(lists * width);
    for (let list = 0; list < lists; list++) {
      sketch.project(centroids, list, this.sketchCentroids, list * width);
      normaliseAt(this.sketchCentroids, list * width, width);
    }
    this.scratch = new Float32Array(width);
    this.listScores = new Float32Array(lists);
  }

  /** The list of row `row` of `vectors` (unit rows of the sketch's input length). */
  nearest(vectors: Float32Array, row: number): number {
    const { inputDimensions } = this.sketch;
    const target = vectors.subarray(row * inputDimensions, (row + 1) * inputDimensions);
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const list of this.shortlistFor(target, SHORTLIST)) {
      const score = dotRow(this.centroids, list, target, inputDimensions);
      if (score > bestScore) [best, bestScore] = [list, score];
    }
    return best;
  }

  /**
   * Every list, in the order a search for `query` (a unit vector) should probe them: the shortlist
   * by full dot products, then the others by their sketches' similarity. At 316 lists of 768
   * values this is half the work of comparing the query with every centroid.
   */
  rank(query: Float32Array): number[] {
    const shortlisted = this.shortlistFor(query, QUERY_SHORTLIST);
    const scores = Float32Array.from(shortlisted, (list) => dotRow(this.centroids, list, query, this.sketch.inputDimensions));
    const head = topByScore(scores, scores.length).map((index) => shortlisted[index]!);
    const inHead = new Set(head);
    return [...head, ...topByScore(this.listScores, this.lists).filter((list) => !inHead.has(list))];
  }

  /** The lists whose sketches match `target`'s best; leaves every list's sketch score in `listScores`. */
  private shortlistFor(target: Float32Array, size: number): number[] {
    const width = this.sketch.outputDimensions;
    this.sketch.project(target, 0, this.scratch, 0);
    normaliseAt(this.scratch, 0, width);
    for (let list = 0; list < this.lists; list++) this.listScores[list] = dotRow(this.sketchCentroids, list, this.scratch, width);
    return shortlist(this.listScores, Math.min(size, this.lists));
  }
}

/** The indexes of the `size` highest scores (in no particular order). */
function shortlist(scores: Float32Array, size: number): number[] {
  const kept: number[] = [];
  let worst = 0;
  for (let index = 0; index < scores.length; index++) {
    if (kept.length < size) {
      kept.push(index);
      if (kept.length === size) worst = lowestAt(scores, kept);
    } else if (scores[index]! > scores[kept[worst]!]!) {
      kept[worst] = index;
      worst = lowestAt(scores, kept);
    }
  }
  return kept;
}

function lowestAt(scores: Float32Array, kept: number[]): number {
  let lowest = 0;
  for (let index = 1; index < kept.length; index++) if (scores[kept[index]!]! < scores[kept[lowest]!]!) lowest = index;
  return lowest;
}

/** `size` distinct rows out of `count`, drawn with `random` (a partial Fisher-Yates shuffle). */
function sampleRows(count: number, size: number, random: () => number): Int32Array {
  const rows = Int32Array.from({ length: count }, (_value, index) => index);
  for (let index = 0; index < size; index++) {
    const other = index + Math.floor(random() * (count - index));
    [rows[index], rows[other]] = [rows[other]!, rows[index]!];
  }
  return rows.slice(0, size);
}

/**
 * Spherical k-means (clusters by cosine) on a sample of the matrix, yielding between batches of
 * rows. Steps: draw the sample; start from `lists` distinct sample rows; then, each round, give
 * every sample row to its nearest centroid (a {@link CentroidAssigner}), set each centroid to the
 * normalised sum of its rows, and re-seed a centroid left empty with a random sample row.
 * Returns the assigner of the final centroids (fewer than `lists` when there are fewer rows).
 */
export function* trainCentroids(matrix: VectorMatrix, options: CentroidTraining): Generator<void, CentroidAssigner, void> {
  const { dimensions, vectors } = matrix;
  const random = seededRandom(options.seed);
  const sketch = new CountSketch(dimensions, options.sketchDimensions, options.seed);
  const sampleSize = Math.max(1, Math.min(matrix.count, Math.max(options.trainingRows, options.lists)));
  const sample = sampleRows(matrix.count, sampleSize, random);
  const lists = Math.min(options.lists, sampleSize);
  const copyRow = (target: Float32Array, list: number, row: number) =>
    target.set(vectors.subarray(row * dimensions, (row + 1) * dimensions), list * dimensions);
  const centroids = new Float32Array(lists * dimensions);
  for (let list = 0; list < lists; list++) copyRow(centroids, list, sample[list]!);
  let assigner = new CentroidAssigner(sketch, centroids, lists);
  for (let round = 0; round < options.iterations; round++) {
    const sums = new Float32Array(lists * dimensions);
    const sizes = new Int32Array(lists);
    for (let index = 0; index < sample.length; index++) {
      const row = sample[index]!;
      const list = assigner.nearest(vectors, row);
      sizes[list]! += 1;
      const target = list * dimensions;
      const source = row * dimensions;
      for (let value = 0; value < dimensions; value++) sums[target + value]! += vectors[source + value]!;
      if (index % 128 === 127) yield;
    }
    for (let list = 0; list < lists; list++) {
      if (sizes[list] === 0) copyRow(sums, list, sample[Math.floor(random() * sample.length)]!);
      normaliseAt(sums, list * dimensions, dimensions);
    }
    assigner = new CentroidAssigner(sketch, sums, lists);
    yield;
  }
  return assigner;
}

/**
 * The data of bench:kb, made from a seed so every run (and every target of a run) sees the same
 * vectors, texts and queries: a clustered, real-like embedding set, the chunk texts it stands for,
 * queries near the data, and their exact top-k by brute force.
 */
import { normaliseAt, seededRandom } from '../src/platform/vector-store/vector-math.js';

/** Standard normal samples from a uniform source (Box-Muller, the spare value kept). */
function gaussianFrom(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** How the synthetic embeddings are shaped. */
export interface VectorSetOptions {
  count: number;
  dimensions: number;
  clusters: number;
  seed: number;
}

/** `count` unit vectors in one flat array, with the cluster of each. */
export interface VectorSet {
  readonly count: number;
  readonly dimensions: number;
  readonly vectors: Float32Array;
  readonly clusterOf: Uint32Array;
}

// Each cluster varies along a few directions of its own (low intrinsic dimension, as real text
// embeddings do) plus a little isotropic noise, around a centre that shares a common direction
// with every other centre (the anisotropy of real embedding spaces).
const LOCAL_DIRECTIONS = 12;
const COMMON_WEIGHT = 0.35;
const ISOTROPIC_SPREAD = 0.12;

/**
 * Clustered unit vectors. Steps: draw a common direction and one centre per cluster around it;
 * give each cluster a weight (log-normal, so sizes vary 1:10 and more), a spread (0.45 to 0.9 of
 * the centre's length) and a few random local directions with decaying scales; every point is its
 * cluster's centre, plus a gaussian mix of the local directions, plus small isotropic noise,
 * normalised. A point's nearest neighbour then sits at cosine ~0.9, two points of one cluster at
 * ~0.7, points of different clusters at ~0.1.
 */
export function clusteredVectors(options: VectorSetOptions): VectorSet {
  const { count, dimensions, clusters, seed } = options;
  const random = seededRandom(seed);
  const gaussian = gaussianFrom(random);
  const randomUnit = () => {
    const vector = Float32Array.from({ length: dimensions }, gaussian);
    normaliseAt(vector, 0, dimensions);
    return vector;
  };
  const common = randomUnit();
  const centres = Array.from({ length: clusters }, () => {
    const centre = randomUnit();
    for (let index = 0; index < dimensions; index++) centre[index]! += COMMON_WEIGHT * common[index]!;
    normaliseAt(centre, 0, dimensions);
    return centre;
  });
  const spreads = Array.from({ length: clusters }, () => 0.45 + 0.45 * random());
  const directions = Array.from({ length: clusters }, () => Array.from({ length: LOCAL_DIRECTIONS }, randomUnit));
  const weights = Array.from({ length: clusters }, () => Math.exp(0.8 * gaussian()));
  const cumulative = new Float64Array(clusters);
  weights.reduce((sum, weight, index) => (cumulative[index] = sum + weight), 0);
  const totalWeight = cumulative[clusters - 1]!;

  const uniform = seededRandom(seed ^ 0x5bd1e995);
  const vectors = new Float32Array(count * dimensions);
  const clusterOf = new Uint32Array(count);
  const isotropic = ISOTROPIC_SPREAD / Math.sqrt(dimensions);
  for (let point = 0; point < count; point++) {
    const cluster = pickCluster(cumulative, uniform() * totalWeight);
    clusterOf[point] = cluster;
    const offset = point * dimensions;
    vectors.set(centres[cluster]!, offset);
    const spread = spreads[cluster]!;
    const local = directions[cluster]!;
    for (let rank = 0; rank < LOCAL_DIRECTIONS; rank++) {
      // Decaying scales: a few directions carry most of the within-cluster variation.
      const amount = (spread * gaussian()) / Math.sqrt(rank + 1) / 1.9;
      const direction = local[rank]!;
      for (let index = 0; index < dimensions; index++) vectors[offset + index]! += amount * direction[index]!;
    }
    for (let index = 0; index < dimensions; index++) vectors[offset + index]! += isotropic * gaussian();
    normaliseAt(vectors, offset, dimensions);
  }
  return { count, dimensions, vectors, clusterOf };
}

function pickCluster(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A vector as an embedding provider hands it over: plain numbers with about eight significant
 * digits (as in a JSON response). A float32 widened to a double prints with up to 17 digits, which
 * would make every INSERT and query text twice as long as a real one.
 */
export function asProviderVector(values: Float32Array): number[] {
  return Array.from(values, (value) => Math.round(value * 1e9) / 1e9);
}

/** Queries, and the data row each one was drawn near. */
export interface QuerySet {
  readonly vectors: Float32Array[];
  readonly sources: number[];
}

/**
 * Queries near the data: a random data point moved by gaussian noise (about a third of its length)
 * and normalised, so its nearest neighbours are its own and its cluster's points, not only itself.
 */
export function queriesNear(data: VectorSet, count: number, seed: number): QuerySet {
  const random = seededRandom(seed);
  const gaussian = gaussianFrom(random);
  const { dimensions, vectors } = data;
  const noise = 0.33 / Math.sqrt(dimensions);
  const sources = Array.from({ length: count }, () => Math.floor(random() * data.count));
  const queries = sources.map((source) => {
    const query = vectors.slice(source * dimensions, (source + 1) * dimensions);
    for (let index = 0; index < dimensions; index++) query[index]! += noise * gaussian();
    normaliseAt(query, 0, dimensions);
    return query;
  });
  return { vectors: queries, sources };
}

/**
 * The rows of the `k` highest cosine similarities to `query` (unit vectors: the dot product), best
 * first: the exact answer recall is measured against, and the brute-force baseline's work.
 */
export function exactTopK(data: VectorSet, query: Float32Array, k: number): number[] {
  const { dimensions, vectors } = data;
  const bestRows: number[] = [];
  const bestScores: number[] = [];
  for (let row = 0; row < data.count; row++) {
    const offset = row * dimensions;
    let dot = 0;
    for (let index = 0; index < dimensions; index++) dot += vectors[offset + index]! * query[index]!;
    if (bestRows.length === k && dot <= bestScores[k - 1]!) continue;
    // Insertion into a short sorted list: k is 10, so this beats a heap.
    let place = bestRows.length === k ? k - 1 : bestRows.length;
    while (place > 0 && bestScores[place - 1]! < dot) place--;
    bestRows.splice(place, 0, row);
    bestScores.splice(place, 0, dot);
    if (bestRows.length > k) {
      bestRows.pop();
      bestScores.pop();
    }
  }
  return bestRows;
}

const WORDS_PER_TOPIC = 40;
const SHARED_WORDS = 300;

function syllableWord(random: () => number): string {
  const consonants = 'bcdfghjklmnprstvz';
  const vowels = 'aeiou';
  const syllables = 2 + Math.floor(random() * 3);
  let word = '';
  for (let index = 0; index < syllables; index++) {
    word += consonants[Math.floor(random() * consonants.length)]! + vowels[Math.floor(random() * vowels.length)]!;
  }
  return word;
}

/**
 * The text of each chunk, about `length` characters of made-up words: mostly common words, with
 * words of the chunk's topic (its cluster) mixed in, so keyword search has something to find.
 * Each text is unique (it names its row), which lets the fake embedder map it back to its vector.
 */
export function chunkTexts(data: VectorSet, options: { clusters: number; length: number; seed: number }): string[] {
  const random = seededRandom(options.seed);
  const shared = Array.from({ length: SHARED_WORDS }, () => syllableWord(random));
  const topics = Array.from({ length: options.clusters }, () => Array.from({ length: WORDS_PER_TOPIC }, () => syllableWord(random)));
  const texts: string[] = [];
  for (let row = 0; row < data.count; row++) {
    const topic = topics[data.clusterOf[row]!]!;
    const words = [`Section ${row + 1}.`];
    let length = words[0]!.length;
    while (length < options.length) {
      const word = random() < 0.3 ? topic[Math.floor(random() * topic.length)]! : shared[Math.floor(random() * shared.length)]!;
      words.push(word);
      length += word.length + 1;
    }
    texts.push(`${words.join(' ')}.`);
  }
  return texts;
}

/** Unit vectors of one length in one flat array: row `r` is `vectors[r * dimensions .. (r + 1) * dimensions)`. */
export interface VectorMatrix {
  readonly dimensions: number;
  readonly count: number;
  readonly vectors: Float32Array;
}

/**
 * The dot product of `query` with row `row` of `vectors`. Four running sums let the CPU overlap
 * the multiply-adds (about twice as fast as one sum in V8); `dimensions` need not be a multiple of 4.
 */
export function dotRow(vectors: Float32Array, row: number, query: Float32Array, dimensions: number): number {
  const offset = row * dimensions;
  let first = 0;
  let second = 0;
  let third = 0;
  let fourth = 0;
  let index = 0;
  for (; index + 3 < dimensions; index += 4) {
    first += vectors[offset + index]! * query[index]!;
    second += vectors[offset + index + 1]! * query[index + 1]!;
    third += vectors[offset + index + 2]! * query[index + 2]!;
    fourth += vectors[offset + index + 3]! * query[index + 3]!;
  }
  for (; index < dimensions; index++) first += vectors[offset + index]! * query[index]!;
  return first + second + third + fourth;
}

/** Scales `vector[offset .. offset + dimensions)` to unit length in place (a zero vector stays zero). */
export function normaliseAt(vector: Float32Array, offset: number, dimensions: number): void {
  let norm = 0;
  for (let index = offset; index < offset + dimensions; index++) norm += vector[index]! * vector[index]!;
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let index = offset; index < offset + dimensions; index++) vector[index]! *= scale;
}

/** A unit-length float32 copy of `vector`. */
export function normalised(vector: readonly number[] | Float32Array): Float32Array {
  const result = Float32Array.from(vector);
  normaliseAt(result, 0, result.length);
  return result;
}

/** A seeded PRNG (mulberry32), so an index built twice from the same rows is the same index. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

import { seededRandom } from './vector-math.js';

/**
 * A count sketch: a random linear map to a few dimensions that roughly keeps dot products. Each
 * input dimension adds, with a random sign, into one random output dimension, so projecting costs
 * one addition per input value (a dense random projection costs one multiply-add per input value
 * per output dimension). Comparing sketches of 64 values is 12 times cheaper than comparing
 * vectors of 768, and precise enough to shortlist the centroids a row may belong to.
 */
export class CountSketch {
  private readonly bucket: Int32Array;
  private readonly sign: Float32Array;

  constructor(
    readonly inputDimensions: number,
    requestedDimensions: number,
    seed: number,
  ) {
    this.outputDimensions = Math.max(1, Math.min(requestedDimensions, inputDimensions));
    const random = seededRandom(seed);
    this.bucket = new Int32Array(inputDimensions);
    this.sign = new Float32Array(inputDimensions);
    for (let index = 0; index < inputDimensions; index++) {
      // Input dimension i goes to bucket i mod m before shuffling, so every bucket gets its share.
      this.bucket[index] = index % this.outputDimensions;
      this.sign[index] = random() < 0.5 ? -1 : 1;
    }
    for (let index = inputDimensions - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [this.bucket[index], this.bucket[other]] = [this.bucket[other]!, this.bucket[index]!];
    }
  }

  readonly outputDimensions: number;

  /** Writes the sketch of row `row` of `vectors` to `output[offset .. offset + outputDimensions)` (not normalised). */
  project(vectors: Float32Array, row: number, output: Float32Array, offset: number): void {
    output.fill(0, offset, offset + this.outputDimensions);
    const source = row * this.inputDimensions;
    for (let index = 0; index < this.inputDimensions; index++) {
      output[offset + this.bucket[index]!]! += this.sign[index]! * vectors[source + index]!;
    }
  }

}

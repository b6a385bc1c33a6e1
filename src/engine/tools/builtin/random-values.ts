import { randomBytes, randomInt } from 'node:crypto';

/** Largest span `crypto.randomInt` accepts (max - min). */
export const MAX_RANDOM_INTEGER_SPAN = 2 ** 48 - 1;

/** A uniformly distributed integer in [min, max], both inclusive, from the system's CSPRNG. */
export function randomIntegerInclusive(min: number, max: number): number {
  return randomInt(min, max + 1);
}

/** A uniformly distributed float in [0, 1) built from 53 random bits, as precise as a double allows. */
export function randomUnitFloat(): number {
  const bits = randomBytes(8).readBigUInt64BE() >> 11n;
  return Number(bits) / 2 ** 53;
}

/** Shuffles a copy of `items` with Fisher-Yates, every permutation equally likely. */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/**
 * `count` distinct integers from [min, max] in random order, with Floyd's sampling algorithm:
 * O(count) time and memory however wide the range. The caller checks count <= max - min + 1.
 */
export function distinctIntegers(min: number, max: number, count: number): number[] {
  const size = max - min + 1;
  const chosen = new Set<number>();
  for (let top = size - count; top < size; top++) {
    const candidate = randomInt(top + 1);
    chosen.add(chosen.has(candidate) ? top : candidate);
  }
  return shuffled([...chosen].map((offset) => min + offset));
}

import { describe, expect, it, vi } from 'vitest';
import { Batcher } from './batcher.js';

/** A batcher whose batches are logged and held until the test releases them. */
function heldBatcher(maxBatch?: number) {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const batcher = new Batcher<number, string>(async (items) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    if (items.length > 1 && items.includes(13)) throw new Error('a bad item spoils the batch');
    if (items.length === 1 && items[0] === 13) throw new Error('13 cannot be stored');
    return items.map((item) => `stored ${item}`);
  }, maxBatch);
  const releaseAll = async () => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.splice(0).forEach((release) => release());
  };
  return { batcher, batches, releaseAll };
}

describe('Batcher', () => {
  it('runs what comes together in one batch, and what comes during a batch in the next one', async () => {
    const { batcher, batches, releaseAll } = heldBatcher();
    const first = [batcher.run(1), batcher.run(2)];
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.run(3), batcher.run(4), batcher.run(5)];
    await releaseAll();
    await releaseAll();

    expect(await Promise.all([...first, ...later])).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4', 'stored 5']);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('puts at most maxBatch items in one batch', async () => {
    const { batcher, batches, releaseAll } = heldBatcher(2);
    const all = Promise.all([1, 2, 3].map((item) => batcher.run(item)));
    await releaseAll();
    await releaseAll();
    await all;

    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('when a batch fails, runs its items one by one, so only the bad one fails', async () => {
    const { batcher, batches, releaseAll } = heldBatcher();
    const results = [12, 13, 14].map((item) => batcher.run(item).catch((error: Error) => error.message));
    await releaseAll();
    await releaseAll();

    expect(await Promise.all(results)).toEqual(['stored 12', '13 cannot be stored', 'stored 14']);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('is not stalled by a test that fakes the timers', async () => {
    vi.useFakeTimers();
    try {
      const batcher = new Batcher<number, number>(async (items) => items.map((item) => item * 2));

      expect(await batcher.run(21)).toBe(42);
    } finally {
      vi.useRealTimers();
    }
  });
});

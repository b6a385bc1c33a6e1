import { setImmediate } from 'node:timers';

/** One caller's item waiting for its batch. */
interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs an operation on items in batches, the way a database does group commit: an item starts a
 * batch at once (with whatever else came meanwhile); items that come while that batch goes on
 * wait for it and leave together in the next one, at most `maxBatch` at a time. Under load many
 * callers share one statement (and one commit); a caller alone waits for no one. A batch always
 * starts after every one of its items arrived, so a read in it is as fresh as each caller could
 * ask. When a batch fails, its items run again one by one, so one bad item fails only its caller.
 */
export class Batcher<Item, Result = void> {
  private waiting: Array<Waiting<Item, Result>> = [];
  private busy = false;

  constructor(
    /** Runs a batch; answers one result per item, in order. */
    private readonly runBatch: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 64,
  ) {}

  /** Resolves with the item's result once its batch has run; rejects with its own error. */
  run(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      // After the I/O that is ready now (setImmediate runs after the poll phase), so items that
      // other requests and jobs bring in the meantime join the first batch. This matters on the
      // embedded database, whose statements run on this thread and leave no gap to fill.
      // (node:timers' own setImmediate: a test's fake timers replace the global one only.)
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) await this.runOut(this.waiting.splice(0, this.maxBatch));
    this.busy = false;
  }

  private async runOut(batch: Array<Waiting<Item, Result>>): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(
        batch.map(async (entry) => {
          try {
            const [result] = await this.runBatch([entry.item]);
            entry.resolve(result!);
          } catch (alone) {
            entry.reject(alone);
          }
        }),
      );
    }
  }
}

/** What a buffered writer is made of. */
export interface BufferedWriterOptions<Item> {
  /** Stores a batch; a rejection is logged and the batch dropped (monitoring data must never break a request). */
  write(items: Item[]): Promise<void>;
  logger: { warn(details: object, message: string): void };
  /** What the items are, for the log line of a dropped batch (e.g. "LLM call records"). */
  label: string;
  /** Flush when this many items wait (default 100). */
  maxBatch?: number;
  /** Flush at the latest this long after the first waiting item (default 250 ms). */
  maxDelayMs?: number;
}

/**
 * Writes records off the request path: items are queued in memory and written in batches, so the
 * work being recorded never waits for its row. `flush()` writes what waits (on shutdown and in tests).
 */
export class BufferedWriter<Item> {
  private pending: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: BufferedWriterOptions<Item>) {}

  /** Queues one item. */
  add(item: Item): void {
    this.pending.push(item);
    if (this.pending.length >= (this.options.maxBatch ?? 100)) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.maxDelayMs ?? 250);
      this.timer.unref();
    }
  }

  /** Writes every waiting item; resolves when they (and earlier batches) are stored or dropped. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      // The catch covers a write that throws as well as one that rejects: either way the chain
      // stays resolved, so later batches are still written.
      this.inFlight = this.inFlight
        .then(() => this.options.write(batch))
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error, dropped: batch.length }, `could not store ${this.options.label}`);
        });
    }
    return this.inFlight;
  }
}

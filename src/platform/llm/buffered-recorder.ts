import type { LlmCallRecord, LlmCallRecorder } from './llm-call.js';

/** What a buffered recorder is made of. */
export interface BufferedRecorderOptions {
  /** Stores a batch; a rejection is logged and the batch dropped (monitoring data must never break a chat). */
  write(records: LlmCallRecord[]): Promise<void>;
  logger: { warn(details: object, message: string): void };
  /** Flush when this many records wait (default 100). */
  maxBatch?: number;
  /** Flush at the latest this long after the first waiting record (default 250 ms). */
  maxDelayMs?: number;
}

/**
 * Records LLM calls off the request path: calls are queued in memory and written in batches, so a
 * chat turn never waits for its usage row. `flush()` writes what waits (on shutdown and in tests).
 */
export class BufferedLlmCallRecorder implements LlmCallRecorder {
  private pending: LlmCallRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: BufferedRecorderOptions) {}

  record(call: LlmCallRecord): void {
    this.pending.push(call);
    if (this.pending.length >= (this.options.maxBatch ?? 100)) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.maxDelayMs ?? 250);
      this.timer.unref();
    }
  }

  /** Writes every waiting record; resolves when they (and earlier batches) are stored or dropped. */
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
          this.options.logger.warn({ err: error, dropped: batch.length }, 'could not store LLM call records');
        });
    }
    return this.inFlight;
  }
}

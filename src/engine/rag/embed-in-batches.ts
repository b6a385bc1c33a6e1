import { isRetryable, retryDelayMs, sleep, type RetryPolicy } from '../../platform/llm/retry-policy.js';

/** Embeds one batch of texts, one vector per text in order. */
export type EmbedBatch = (values: string[], signal: AbortSignal) => Promise<number[][]>;

/** Options of {@link embedInBatches}. */
export interface EmbedInBatchesOptions {
  values: readonly string[];
  embed: EmbedBatch;
  /** Texts per provider call (default 64): small enough for steady progress, large enough to be cheap. */
  batchSize?: number;
  /** Retries of one batch after 429s and transient failures; Retry-After is honoured. */
  retry: Pick<RetryPolicy, 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs'>;
  signal: AbortSignal;
  /** After each batch: how many texts are embedded so far. */
  onProgress?: (done: number) => Promise<void> | void;
  /** Before each retry: the failure, the retry number (from 1) and the wait. */
  onRetry?: (details: { error: unknown; retry: number; delayMs: number }) => Promise<void> | void;
}

/**
 * Embeds texts batch by batch. Steps: cut the texts into batches; embed each batch, and when the
 * provider fails with a retryable error (429, 5xx, timeout, network) wait (Retry-After, else
 * exponential backoff) and try that batch again, up to `maxAttempts` tries; report progress after
 * every batch. A non-retryable failure, or the last retry's, is thrown.
 */
export async function embedInBatches(options: EmbedInBatchesOptions): Promise<number[][]> {
  const batchSize = options.batchSize ?? 64;
  const vectors: number[][] = [];
  let retries = 0;
  for (let start = 0; start < options.values.length; start += batchSize) {
    const batch = options.values.slice(start, start + batchSize);
    for (let attempt = 1; ; attempt++) {
      options.signal.throwIfAborted();
      try {
        const embedded = await options.embed(batch, options.signal);
        if (embedded.length !== batch.length) {
          throw new Error(`The embedding model returned ${embedded.length} vectors for ${batch.length} texts`);
        }
        vectors.push(...embedded);
        break;
      } catch (error) {
        if (options.signal.aborted || attempt >= options.retry.maxAttempts || !isRetryable(error)) throw error;
        retries += 1;
        const delayMs = retryDelayMs(error, attempt, { ...options.retry, timeoutMs: 0 });
        await options.onRetry?.({ error, retry: retries, delayMs });
        await sleep(delayMs, options.signal);
      }
    }
    await options.onProgress?.(vectors.length);
  }
  return vectors;
}

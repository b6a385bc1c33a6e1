import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider';
import {
  assertEmbeddingDimensions,
  countLexicalTokens,
  DEFAULT_LOCAL_EMBEDDING_DIMENSIONS,
  embedText,
} from './local-embedder.js';

/** The provider name the local embedder reports to the AI SDK (logs, telemetry). */
export const LOCAL_EMBEDDING_PROVIDER = 'tiangong';

// Values per doEmbed call. embedMany splits larger batches and, since parallel calls are allowed,
// runs the chunks concurrently; each chunk yields to the event loop first, so a huge batch
// does not hold up other requests for its whole duration.
const MAX_EMBEDDINGS_PER_CALL = 2048;

/** Options of the local embedding model. */
export interface LocalEmbeddingModelOptions {
  /** Vector length, 384 by default; stored vectors must be re-embedded if it changes. */
  dimensions?: number;
}

/** Resolves on the next turn of the event loop, after pending I/O callbacks. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The built-in local embedder as an AI SDK embedding model, for `embed` and `embedMany` from 'ai'.
 * It is lexical, not semantic: see local-embedder.ts and docs/local-embedder.md.
 */
export function createLocalEmbeddingModel(options: LocalEmbeddingModelOptions = {}): EmbeddingModelV3 {
  const dimensions = options.dimensions ?? DEFAULT_LOCAL_EMBEDDING_DIMENSIONS;
  // Fail at configuration time rather than on the first embedding call.
  assertEmbeddingDimensions(dimensions);
  return {
    specificationVersion: 'v3',
    provider: LOCAL_EMBEDDING_PROVIDER,
    modelId: `local-lexical-${dimensions}`,
    maxEmbeddingsPerCall: MAX_EMBEDDINGS_PER_CALL,
    supportsParallelCalls: true,
    async doEmbed({ values, abortSignal }: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
      abortSignal?.throwIfAborted();
      await yieldToEventLoop();
      abortSignal?.throwIfAborted();
      const embeddings = values.map((value) => embedText(value, dimensions));
      const tokens = values.reduce((sum, value) => sum + countLexicalTokens(value), 0);
      return { embeddings, usage: { tokens }, warnings: [] };
    },
  };
}

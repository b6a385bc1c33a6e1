import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import type { Clock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import type { CallContext, LlmCallRecorder } from './llm-call.js';

/** Who and what an embedding call is recorded against. */
export interface RecordedEmbeddingOptions {
  recorder: LlmCallRecorder;
  clock: Clock;
  ids: IdGenerator;
  context: CallContext;
  modelConfigId: string | null;
}

/** Wraps an embedding model so that every doEmbed call is recorded like a chat call. */
export function createRecordedEmbeddingModel(model: EmbeddingModelV3, options: RecordedEmbeddingOptions): EmbeddingModelV3 {
  const { recorder, clock, ids, context, modelConfigId } = options;
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    maxEmbeddingsPerCall: model.maxEmbeddingsPerCall,
    supportsParallelCalls: model.supportsParallelCalls,
    async doEmbed(callOptions) {
      const startedAt = clock.now().getTime();
      const base = {
        id: ids.uuid(),
        ...context,
        modelConfigId,
        provider: model.provider,
        model: model.modelId,
        operation: 'embed' as const,
        attempt: 1,
        isFallback: false,
        completionTokens: null,
        timeToFirstTokenMs: null,
        createdAt: new Date(startedAt),
      };
      try {
        const result = await model.doEmbed(callOptions);
        const tokens = result.usage?.tokens ?? null;
        recorder.record({
          ...base,
          status: 'succeeded',
          promptTokens: tokens,
          totalTokens: tokens,
          latencyMs: clock.now().getTime() - startedAt,
          error: null,
        });
        return result;
      } catch (error) {
        recorder.record({
          ...base,
          status: callOptions.abortSignal?.aborted ? 'cancelled' : 'failed',
          promptTokens: null,
          totalTokens: null,
          latencyMs: clock.now().getTime() - startedAt,
          error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        });
        throw error;
      }
    },
  };
}

import type { EmbeddingModelV3, RerankingModelV3 } from '@ai-sdk/provider';
import type { Clock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import type { CallContext, LlmCallRecord, LlmCallRecorder } from './llm-call.js';

/** Who and what a call is recorded against. */
export interface RecordingOptions {
  recorder: LlmCallRecorder;
  clock: Clock;
  ids: IdGenerator;
  context: CallContext;
  modelConfigId: string | null;
}

interface RecordedCall<Result> {
  operation: 'embed' | 'rerank';
  provider: string;
  model: string;
  signal: AbortSignal | undefined;
  call: () => PromiseLike<Result>;
  /** Input tokens the provider reported, when it reports any. */
  tokensOf: (result: Result) => number | null;
}

/** Runs one provider call and records its outcome, whatever it is; the result or error passes through. */
async function recorded<Result>(options: RecordingOptions, call: RecordedCall<Result>): Promise<Result> {
  const { recorder, clock, ids, context, modelConfigId } = options;
  const startedAt = clock.now().getTime();
  const record = (outcome: Pick<LlmCallRecord, 'status' | 'promptTokens' | 'error'>) =>
    recorder.record({
      id: ids.uuid(),
      ...context,
      modelConfigId,
      provider: call.provider,
      model: call.model,
      operation: call.operation,
      attempt: 1,
      isFallback: false,
      completionTokens: null,
      totalTokens: outcome.promptTokens,
      timeToFirstTokenMs: null,
      latencyMs: clock.now().getTime() - startedAt,
      createdAt: new Date(startedAt),
      ...outcome,
    });
  try {
    const result = await call.call();
    record({ status: 'succeeded', promptTokens: call.tokensOf(result), error: null });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
    record({ status: call.signal?.aborted ? 'cancelled' : 'failed', promptTokens: null, error: message });
    throw error;
  }
}

/** Wraps an embedding model so that every doEmbed call is recorded like a chat call. */
export function createRecordedEmbeddingModel(model: EmbeddingModelV3, options: RecordingOptions): EmbeddingModelV3 {
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    maxEmbeddingsPerCall: model.maxEmbeddingsPerCall,
    supportsParallelCalls: model.supportsParallelCalls,
    doEmbed: (callOptions) =>
      recorded(options, {
        operation: 'embed',
        provider: model.provider,
        model: model.modelId,
        signal: callOptions.abortSignal,
        call: () => model.doEmbed(callOptions),
        tokensOf: (result) => result.usage?.tokens ?? null,
      }),
  };
}

/** Wraps a rerank model so that every doRerank call is recorded. */
export function createRecordedRerankModel(model: RerankingModelV3, options: RecordingOptions): RerankingModelV3 {
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    doRerank: (callOptions) =>
      recorded(options, {
        operation: 'rerank',
        provider: model.provider,
        model: model.modelId,
        signal: callOptions.abortSignal,
        call: () => model.doRerank(callOptions),
        tokensOf: () => null,
      }),
  };
}

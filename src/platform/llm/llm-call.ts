/** Who a model call was made for; every field is optional because not every call has all of them. */
export interface CallContext {
  userId?: string | null;
  agentId?: string | null;
  sessionId?: string | null;
  runId?: string | null;
}

/** The outcome of one provider call attempt, as monitoring stores it. */
export interface LlmCallRecord extends CallContext {
  id: string;
  modelConfigId: string | null;
  provider: string;
  model: string;
  operation: 'generate' | 'stream' | 'embed' | 'rerank';
  status: 'succeeded' | 'failed' | 'cancelled';
  attempt: number;
  isFallback: boolean;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  error: string | null;
  createdAt: Date;
}

/** Where call records go. `record` never throws and never makes the caller wait. */
export interface LlmCallRecorder {
  record(call: LlmCallRecord): void;
}

/** Token usage in the seed's words. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Adds up usage figures that a provider may leave out (undefined counts as 0). */
export function tokenUsage(input: number | undefined, output: number | undefined): TokenUsage {
  const prompt = input ?? 0;
  const completion = output ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Zero usage, the start of a sum. */
export function emptyTokenUsage(): TokenUsage {
  return tokenUsage(0, 0);
}

/** The sum of two usage figures. */
export function addTokenUsage(left: TokenUsage, right: TokenUsage): TokenUsage {
  return tokenUsage(left.prompt_tokens + right.prompt_tokens, left.completion_tokens + right.completion_tokens);
}

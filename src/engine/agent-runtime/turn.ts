import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, streamText, type ModelMessage } from 'ai';
import { tokenUsage, type TokenUsage } from '../../platform/llm/llm-call.js';

/** Sampling settings of a turn, in AI SDK terms. */
export interface TurnSettings {
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  maxRetries?: number;
}

/** Everything one model turn needs: no HTTP, no storage. */
export interface TurnOptions {
  model: LanguageModelV3;
  system?: string | undefined;
  messages: ModelMessage[];
  settings: TurnSettings;
  signal?: AbortSignal | undefined;
}

/** Why a turn ended, in the provider-neutral words of the AI SDK (stop, length, tool-calls ...). */
export type FinishReason = string;

/** The outcome of a finished turn. */
export interface TurnResult {
  text: string;
  usage: TokenUsage;
  finishReason: FinishReason;
}

/** What a streamed turn emits, noun-then-verb; faces map these to their wire names. */
export type TurnEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-result'; toolCallId: string; toolName: string; output: unknown; isError: boolean }
  | ({ type: 'turn-finish' } & TurnResult);

function common(options: TurnOptions) {
  return {
    model: options.model,
    ...(options.system ? { system: options.system } : {}),
    messages: options.messages,
    ...options.settings,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  };
}

/** Runs one turn to the end and returns its text and usage. */
export async function generateTurn(options: TurnOptions): Promise<TurnResult> {
  const result = await generateText(common(options));
  return {
    text: result.text,
    usage: tokenUsage(result.totalUsage.inputTokens, result.totalUsage.outputTokens),
    finishReason: result.finishReason,
  };
}

/**
 * Runs one turn as a stream of events. A failure (provider error, broken stream, abort) is thrown
 * from the iteration, after the events that came before it.
 */
export async function* streamTurn(options: TurnOptions): AsyncGenerator<TurnEvent> {
  let failure: unknown;
  const result = streamText({
    ...common(options),
    onError: ({ error }) => {
      failure ??= error;
    },
  });
  let text = '';
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') {
      text += part.text;
      yield { type: 'text-delta', text: part.text };
    } else if (part.type === 'tool-call') {
      yield { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
    } else if (part.type === 'tool-result' || part.type === 'tool-error') {
      const isError = part.type === 'tool-error';
      const output = isError ? String(part.error) : part.output;
      yield { type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output, isError };
    } else if (part.type === 'error') {
      failure ??= part.error;
    } else if (part.type === 'abort') {
      failure ??= options.signal?.reason ?? new Error('The turn was aborted');
    } else if (part.type === 'finish' && !failure) {
      const usage = tokenUsage(part.totalUsage.inputTokens, part.totalUsage.outputTokens);
      yield { type: 'turn-finish', text, usage, finishReason: part.finishReason };
    }
  }
  if (failure) throw failure;
}

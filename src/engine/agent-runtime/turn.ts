import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, stepCountIs, streamText, type AssistantModelMessage, type ModelMessage, type ToolModelMessage, type ToolSet } from 'ai';
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
  /** Tools the model may call; their errors and invalid inputs go back to the model as results. */
  tools?: ToolSet | undefined;
  /** Most model steps in the turn (each step may call tools); default 1. */
  maxSteps?: number | undefined;
  /**
   * Ends the turn after the step in which this becomes true (a swarm member whose hand-off was
   * accepted): no further model call is spent on words nobody acts on.
   */
  endTurnWhen?: (() => boolean) | undefined;
}

/** Why a turn ended: it answered, or it was still calling tools when it ran out of steps. */
export type StopReason = 'completed' | 'iteration_limit';

/** Why a turn ended, in the provider-neutral words of the AI SDK (stop, length, tool-calls ...). */
export type FinishReason = string;

/** The outcome of a finished turn. */
export interface TurnResult {
  text: string;
  /** Summed over every step of the turn. */
  usage: TokenUsage;
  finishReason: FinishReason;
  steps: number;
  stopReason: StopReason;
  /** What the turn added to the conversation: assistant messages (with tool calls) and tool results, in order. */
  responseMessages: Array<AssistantModelMessage | ToolModelMessage>;
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
    ...(options.tools ? { tools: options.tools } : {}),
    stopWhen: options.endTurnWhen ? [stepCountIs(options.maxSteps ?? 1), options.endTurnWhen] : stepCountIs(options.maxSteps ?? 1),
  };
}

/** The last step still asked for tools although no step was left to answer them. */
function stopReasonOf(finishReason: string, steps: number, options: TurnOptions): StopReason {
  return finishReason === 'tool-calls' && steps >= (options.maxSteps ?? 1) ? 'iteration_limit' : 'completed';
}

/** Runs one turn (every step of it) to the end and returns its text and usage. */
export async function generateTurn(options: TurnOptions): Promise<TurnResult> {
  const result = await generateText(common(options));
  const steps = result.steps.length;
  return {
    text: result.text,
    usage: tokenUsage(result.totalUsage.inputTokens, result.totalUsage.outputTokens),
    finishReason: result.finishReason,
    steps,
    stopReason: stopReasonOf(result.finishReason, steps, options),
    responseMessages: result.response.messages,
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
  let steps = 0;
  let finish: Omit<TurnResult, 'responseMessages'> | undefined;
  for await (const part of result.fullStream) {
    if (part.type === 'finish-step') steps += 1;
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
      finish = { text, usage, finishReason: part.finishReason, steps, stopReason: stopReasonOf(part.finishReason, steps, options) };
    }
  }
  if (failure) throw failure;
  // The response (every message of every step) is complete once the stream has ended.
  if (finish) yield { type: 'turn-finish', ...finish, responseMessages: (await result.response).messages };
}

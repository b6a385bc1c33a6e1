/**
 * Scripted replies for the model server and how each one becomes an OpenAI Chat Completions wire
 * payload: a `chat.completion` JSON body, or the `chat.completion.chunk` events of an SSE stream.
 * Everything here is pure so the wire shapes can be reasoned about without a socket.
 */

/** Token counts a test may script; `total_tokens` is always derived so it can never disagree. */
export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** Pacing and extra headers shared by every reply kind, so any reply can be slow. */
export interface ReplyPacing {
  /** Milliseconds to wait before the first byte (status line included) is sent. */
  delayMs?: number;
  /** Milliseconds to wait between stream chunks. */
  chunkDelayMs?: number;
  /** Characters per streamed content piece; by default text streams word by word. */
  chunkSize?: number;
  /** Model name to report instead of echoing the requested one (e.g. a dated snapshot name). */
  model?: string;
  /** Extra response headers, e.g. rate-limit or request-id headers. */
  headers?: Record<string, string>;
}

/** A plain assistant text reply. */
export interface TextReply extends ReplyPacing {
  text: string;
  usage?: ScriptedUsage;
  finish_reason?: 'stop' | 'length' | 'content_filter';
}

/** One function call the scripted assistant makes; object arguments are JSON-encoded on the wire. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  arguments: Record<string, unknown> | string;
}

/** An assistant turn that calls tools (optionally preceded by text), finishing with `tool_calls`. */
export interface ToolCallsReply extends ReplyPacing {
  toolCalls: ScriptedToolCall[];
  text?: string;
  usage?: ScriptedUsage;
}

/** An HTTP error answered with an OpenAI-style error body instead of a completion. */
export interface ErrorReply extends ReplyPacing {
  error: {
    status: number;
    message: string;
    type?: string;
    code?: string | null;
    retryAfterSeconds?: number;
  };
}

/** How a reply breaks mid-stream: the socket is destroyed, or a chunk that is not JSON is sent. */
export type StreamFailureMode = 'disconnect' | 'malformed';

/** A reply that starts normally and then dies, simulating a provider failing mid-response. */
export interface StreamFailureReply extends ReplyPacing {
  streamFailure: { text: string; mode: StreamFailureMode };
}

/**
 * Every scripted chat reply; the kinds are told apart by their one distinguishing key
 * (`error`, `streamFailure`, `toolCalls`, otherwise `text`) so scripts stay terse and `in` narrows.
 */
export type ScriptedReply = TextReply | ToolCallsReply | ErrorReply | StreamFailureReply;

/** Per-request facts the renderers need that do not come from the script. */
export interface RenderContext {
  id: string;
  created: number;
  model: string;
  promptTokens: number;
  includeUsage: boolean;
}

/** A rough tokenizer stand-in (about four characters per token) so default usage scales with size. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Splits text into stream pieces: fixed-size slices when asked, else words with their leading space. */
export function splitText(text: string, chunkSize?: number): string[] {
  if (text.length === 0) return [];
  if (chunkSize !== undefined && chunkSize > 0) {
    const pieces: string[] = [];
    for (let start = 0; start < text.length; start += chunkSize) {
      pieces.push(text.slice(start, start + chunkSize));
    }
    return pieces;
  }
  return text.split(/(?=\s)/);
}

interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

function toWireToolCalls(toolCalls: ScriptedToolCall[], requestId: string): WireToolCall[] {
  return toolCalls.map((call, index) => ({
    id: call.id ?? `call_${requestId.slice(-8)}${index}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

function usageBody(reply: TextReply | ToolCallsReply, context: RenderContext) {
  const completionText = `${reply.text ?? ''}${'toolCalls' in reply ? JSON.stringify(reply.toolCalls) : ''}`;
  const prompt = reply.usage?.prompt_tokens ?? context.promptTokens;
  const completion = reply.usage?.completion_tokens ?? estimateTokens(completionText);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function finishReason(reply: TextReply | ToolCallsReply): string {
  return 'toolCalls' in reply ? 'tool_calls' : (reply.finish_reason ?? 'stop');
}

/** Renders a text or tool-call reply as a non-streaming `chat.completion` body. */
export function renderCompletion(reply: TextReply | ToolCallsReply, context: RenderContext): object {
  const toolCalls = 'toolCalls' in reply ? toWireToolCalls(reply.toolCalls, context.id) : undefined;
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(reply),
      },
    ],
    usage: usageBody(reply, context),
    system_fingerprint: 'fp_test_kit',
  };
}

function chunk(context: RenderContext, delta: object, finish: string | null = null): object {
  return {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    system_fingerprint: 'fp_test_kit',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

/** The content delta chunks for some text; the first carries `role: "assistant"` as OpenAI's does. */
export function textChunks(text: string, context: RenderContext, chunkSize?: number): object[] {
  const pieces = splitText(text, chunkSize);
  return pieces.map((piece, index) =>
    chunk(context, index === 0 ? { role: 'assistant', content: piece } : { content: piece }),
  );
}

/** Splits JSON arguments into a few fragments because real providers stream them piecemeal. */
function argumentFragments(argumentsJson: string): string[] {
  const size = Math.max(1, Math.ceil(argumentsJson.length / 3));
  return splitText(argumentsJson, size);
}

function toolCallChunks(reply: ToolCallsReply, context: RenderContext, hasRole: boolean): object[] {
  const chunks: object[] = [];
  toWireToolCalls(reply.toolCalls, context.id).forEach((call, index) => {
    const opening = {
      ...(hasRole || chunks.length > 0 ? {} : { role: 'assistant', content: null }),
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
    };
    chunks.push(chunk(context, opening));
    for (const fragment of argumentFragments(call.function.arguments)) {
      chunks.push(chunk(context, { tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  return chunks;
}

/**
 * Renders a text or tool-call reply as the ordered SSE `data:` payloads of a stream, including the
 * finishing chunk, the usage chunk when the request asked for it, and the `[DONE]` sentinel.
 */
export function renderStream(reply: TextReply | ToolCallsReply, context: RenderContext): string[] {
  const content = textChunks(reply.text ?? '', context, reply.chunkSize);
  const calls = 'toolCalls' in reply ? toolCallChunks(reply, context, content.length > 0) : [];
  const opening = content.length + calls.length === 0 ? [chunk(context, { role: 'assistant', content: '' })] : [];
  const closing = [chunk(context, {}, finishReason(reply))];
  if (context.includeUsage) {
    closing.push({ ...chunk(context, {}), choices: [], usage: usageBody(reply, context) });
  }
  const payloads = [...opening, ...content, ...calls, ...closing].map((payload) => JSON.stringify(payload));
  return [...payloads, '[DONE]'];
}

/** Renders the part of a failing reply that is sent before it breaks. */
export function renderFailingStream(reply: StreamFailureReply, context: RenderContext): string[] {
  const payloads = textChunks(reply.streamFailure.text, context, reply.chunkSize).map((payload) =>
    JSON.stringify(payload),
  );
  // A truncated object is what a proxy cutting a provider off tends to leave behind.
  const truncated = '{"id":"chatcmpl-broken","choices":[{"del';
  return reply.streamFailure.mode === 'malformed' ? [...payloads, truncated] : payloads;
}

/** The `type` OpenAI uses for a status, so unscripted error types still look like the real thing. */
function defaultErrorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** The OpenAI error body for an error reply (also used for the server's own errors). */
export function renderErrorBody(error: ErrorReply['error']): object {
  return {
    error: {
      message: error.message,
      type: error.type ?? defaultErrorType(error.status),
      param: null,
      code: error.code ?? null,
    },
  };
}

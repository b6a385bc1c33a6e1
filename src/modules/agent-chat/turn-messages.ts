import type { ModelMessage, ToolResultPart } from 'ai';
import type { TurnResult } from '../../engine/agent-runtime/turn.js';
import type { MessageRecord, NewMessage } from './conversations.repository.js';

/** A tool result as the text a model (and a person reading the history) sees. */
function resultText(output: ToolResultPart['output']): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
    case 'content':
      return JSON.stringify(output.value);
    default:
      return output.type;
  }
}

/**
 * The rows a finished turn adds to its session: the user message, then every assistant message
 * (with its tool calls) and tool result in order. The last assistant row carries the model and
 * usage; its id is `answerId`.
 */
export function turnRows(options: {
  userMessage: string;
  result: TurnResult;
  model: string;
  answerId: string;
  newId: () => string;
  now: Date;
}): NewMessage[] {
  const { result, now, newId } = options;
  const rows: NewMessage[] = [{ id: newId(), role: 'user', content: options.userMessage, createdAt: now }];
  for (const message of result.responseMessages) {
    if (message.role === 'assistant') {
      const parts = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
      const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
      const toolCalls = parts.flatMap((part) =>
        part.type === 'tool-call' ? [{ id: part.toolCallId, name: part.toolName, arguments: part.input }] : [],
      );
      rows.push({ id: newId(), role: 'assistant', content: text, ...(toolCalls.length > 0 ? { toolCalls } : {}), createdAt: now });
    } else {
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        const content = resultText(part.output);
        rows.push({ id: newId(), role: 'tool', content, toolCallId: part.toolCallId, toolName: part.toolName, createdAt: now });
      }
    }
  }
  let last = rows.findLastIndex((row) => row.role === 'assistant');
  if (last === -1) {
    rows.push({ id: newId(), role: 'assistant', content: result.text, createdAt: now });
    last = rows.length - 1;
  }
  const usage = { promptTokens: result.usage.prompt_tokens, completionTokens: result.usage.completion_tokens };
  rows[last] = { ...rows[last]!, id: options.answerId, model: options.model, ...usage };
  return rows;
}

/** A stored message as the model receives it again in a later turn, tool calls and results included. */
export function toModelMessage(message: MessageRecord): ModelMessage {
  if (message.role === 'user') return { role: 'user', content: message.content };
  if (message.role === 'tool') {
    const output = { type: 'text' as const, value: message.content };
    return {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: message.toolCallId ?? '', toolName: message.toolName ?? '', output }],
    };
  }
  if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
  const calls = message.toolCalls.map((call) => ({
    type: 'tool-call' as const,
    toolCallId: call.id,
    toolName: call.name,
    input: call.arguments,
  }));
  return { role: 'assistant', content: [...(message.content ? [{ type: 'text' as const, text: message.content }] : []), ...calls] };
}

/** A stored message as history answers show it. */
export function toHistoryMessage(message: MessageRecord) {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    tool_calls: message.toolCalls ?? null,
    tool_call_id: message.toolCallId,
    tool_name: message.toolName,
    model: message.model,
    created_at: message.createdAt.toISOString(),
  };
}

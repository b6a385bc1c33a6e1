import type { TurnEvent } from '../../engine/agent-runtime/turn.js';
import type { TurnDone } from './chat.service.js';

/** One SSE event in the seed's wire names: token, tool_call, tool_result, done, error. */
export interface WireEvent {
  event: 'token' | 'tool_call' | 'tool_result' | 'done';
  data: Record<string, unknown>;
}

/** Maps an engine event to the seed's chat stream event (the one place where the names change). */
export function toWireEvent(event: TurnEvent | TurnDone): WireEvent | null {
  switch (event.type) {
    case 'text-delta':
      return { event: 'token', data: { type: 'token', content: event.text } };
    case 'tool-call':
      return { event: 'tool_call', data: { type: 'tool_call', id: event.toolCallId, name: event.toolName, arguments: event.input } };
    case 'tool-result':
      return {
        event: 'tool_result',
        data: { type: 'tool_result', id: event.toolCallId, name: event.toolName, result: event.output, is_error: event.isError },
      };
    case 'turn-done':
      return {
        event: 'done',
        data: {
          type: 'done',
          session_id: event.sessionId,
          message_id: event.messageId,
          content: event.text,
          model: event.model,
          finish_reason: event.finishReason,
          token_usage: event.usage,
        },
      };
    default:
      return null;
  }
}

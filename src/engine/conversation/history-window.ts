/** A stored message, as far as the window cares. */
export interface WindowMessage {
  content: string;
  role?: string;
  toolCalls?: readonly unknown[] | null;
}

/** A tool result, or an assistant message that called tools: half of a pair that must stay whole. */
function isToolPairPart(message: WindowMessage): boolean {
  return message.role === 'tool' || (message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0);
}

/** How much history a turn may carry. */
export interface HistoryLimits {
  /** Most recent messages kept at most. */
  maxMessages: number;
  /** Estimated tokens kept at most. */
  maxTokens: number;
}

const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/**
 * A cheap token estimate without a tokenizer: one token per CJK character, one per four other
 * characters, plus a few for the message envelope. Close enough to bound a prompt.
 */
export function estimateTokens(text: string): number {
  const cjkCount = text.match(cjk)?.length ?? 0;
  return cjkCount + Math.ceil((text.length - cjkCount) / 4) + 4;
}

/**
 * Keeps the most recent messages that fit both limits, oldest first.
 * Steps: walk from the newest message back, adding estimated tokens; stop before the message that
 * would exceed maxTokens or maxMessages; drop tool calls and tool results from the front (their
 * other half was cut off); return the kept messages in their original order.
 */
export function selectHistoryWindow<Message extends WindowMessage>(messages: Message[], limits: HistoryLimits): Message[] {
  let tokens = 0;
  let start = messages.length;
  while (start > 0 && messages.length - start < limits.maxMessages) {
    const cost = estimateTokens(messages[start - 1]!.content);
    if (tokens + cost > limits.maxTokens) break;
    tokens += cost;
    start -= 1;
  }
  // A window must not open on a tool result or an assistant's tool call: its other half would be cut off.
  while (start < messages.length && isToolPairPart(messages[start]!)) start += 1;
  return messages.slice(start);
}

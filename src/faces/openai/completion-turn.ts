import type { AgentDefinition } from '../../platform/db/schema/index.js';
import type { TokenUsage } from '../../platform/llm/llm-call.js';
import { agentTurn } from '../../modules/agent-chat/agent-turn.js';
import type { ChatTurnRequest } from '../../modules/agent-chat/chat.service.js';
import { invalidRequest } from './openai.errors.js';
import type { ChatCompletion, ChatCompletionRequest } from './openai.schemas.js';

type Message = ChatCompletionRequest['messages'][number];

/** The most a turn's message may hold, as on /api/v1/agent-chat. */
const maxMessageLength = 32_000;

function textOf(message: Message): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text).join('');
}

/**
 * The agent turn a completion request asks for. The last message (a user message) is the turn's
 * message; system and developer messages are added after the agent's own instructions; earlier user
 * and assistant messages go to the model as the conversation so far (after the stored session's
 * history when `metadata.session_id` continues one), as OpenAI clients keep the history themselves.
 */
export function completionTurn(agent: { id: string; definition: AgentDefinition }, body: ChatCompletionRequest): ChatTurnRequest {
  const last = body.messages.at(-1)!;
  const param = `messages.${body.messages.length - 1}`;
  if (last.role !== 'user') throw invalidRequest(param, 'The last message must be a user message: it is what the agent answers');
  const message = textOf(last).trim();
  if (message.length === 0) throw invalidRequest(`${param}.content`, 'The last user message is empty');
  if (message.length > maxMessageLength) throw invalidRequest(`${param}.content`, `The last user message is longer than ${maxMessageLength} characters`);
  const turn: ChatTurnRequest = { ...agentTurn(agent, { message, session_id: body.metadata?.session_id }), priorMessages: priorMessagesOf(body.messages) };
  const instructions = body.messages
    .filter((entry) => entry.role === 'system' || entry.role === 'developer')
    .map((entry) => textOf(entry).trim())
    .filter(Boolean);
  if (instructions.length === 0) return turn;
  return { ...turn, system: [turn.system, ...instructions].filter(Boolean).join('\n\n') };
}

/** The user and assistant messages before the last one, as text; an assistant turn without text is left out. */
function priorMessagesOf(messages: Message[]): NonNullable<ChatTurnRequest['priorMessages']> {
  const prior: NonNullable<ChatTurnRequest['priorMessages']> = [];
  for (const entry of messages.slice(0, -1)) {
    if (entry.role !== 'user' && entry.role !== 'assistant') continue;
    const content = textOf(entry);
    if (content.trim() !== '') prior.push({ role: entry.role, content });
  }
  return prior;
}

/**
 * OpenAI's finish reason for ours. `tool-calls` means the agent used up its iteration limit while
 * still calling tools (its tools run here, never on the client): the answer was cut short.
 */
export function finishReasonOf(reason: string | undefined): 'stop' | 'length' | 'content_filter' {
  if (reason === 'length' || reason === 'tool-calls') return 'length';
  if (reason === 'content-filter') return 'content_filter';
  return 'stop';
}

/** Our token usage in OpenAI's names (they are the same three numbers). */
export function usageOf(usage: TokenUsage): ChatCompletion['usage'] {
  return { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
}

/** Who a completion is: its id (`chatcmpl-<run id>`), model and creation second, the same on every chunk. */
export interface CompletionIdentity {
  id: string;
  model: string;
  created: number;
}

/** The non-streamed answer. */
export function completionObject(
  identity: CompletionIdentity,
  answer: { content: string; finish_reason: string; token_usage: TokenUsage },
): ChatCompletion {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content, refusal: null },
        logprobs: null,
        finish_reason: finishReasonOf(answer.finish_reason),
      },
    ],
    usage: usageOf(answer.token_usage),
  };
}

/** Builds the `chat.completion.chunk` objects of one streamed completion. */
export class ChunkBuilder {
  constructor(
    private readonly identity: CompletionIdentity,
    /** With stream_options.include_usage every chunk has `usage` (null until the last, usage-only chunk). */
    private readonly includeUsage: boolean,
  ) {}

  /** A chunk with one choice carrying `delta`. */
  delta(delta: Record<string, unknown>, finishReason: string | null = null) {
    return this.chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);
  }

  /** The extra chunk before `[DONE]` when usage was asked for: no choices, the whole request's usage. */
  usage(usage: TokenUsage) {
    return { ...this.chunk([]), usage: usageOf(usage) };
  }

  private chunk(choices: unknown[]) {
    return { ...this.identity, object: 'chat.completion.chunk', choices, ...(this.includeUsage ? { usage: null } : {}) };
  }
}

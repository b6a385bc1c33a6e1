import type { AgnoEvent } from './agentos.sse.js';

/** Who a stream speaks for: the agent, its run and session, and the model it uses. */
export interface AgentRunIdentity {
  agentId: string;
  agentName: string;
  runId: string;
  sessionId: string;
  model: string;
  modelProvider: string;
  /** Set on a member agent's events inside a team run. */
  parentRunId?: string;
}

/** A platform run event as the run log holds it (the chat seed's names: token, tool_call, tool_result, done, error). */
export interface PlatformEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Epoch seconds, as every AgentOS run event's `created_at`. */
export const epochSeconds = (date: Date = new Date()) => Math.floor(date.getTime() / 1000);

/** AgentOS' ToolExecution: every key present, nulls included. */
function toolExecution(options: { id: string; name: string; args: unknown; createdAt: number; result: string | null; error: boolean | null }) {
  return {
    tool_call_id: options.id,
    tool_name: options.name,
    tool_args: options.args ?? {},
    tool_call_error: options.error,
    result: options.result,
    metrics: null,
    child_run_id: null,
    stop_after_tool_call: false,
    created_at: options.createdAt,
    requires_confirmation: null,
    confirmed: null,
    confirmation_note: null,
    requires_user_input: null,
    user_input_schema: null,
    user_feedback_schema: null,
    answered: null,
    external_execution_required: null,
    external_execution_silent: null,
    approval_type: null,
    approval_id: null,
  };
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/** A run's token usage as AgentOS' RunMetrics (zero values omitted, as it omits them). */
export function runMetrics(usage: unknown): Record<string, number> {
  const tokens = (usage ?? {}) as { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  const metrics: Record<string, number> = {};
  if (tokens.prompt_tokens) metrics.input_tokens = tokens.prompt_tokens;
  if (tokens.completion_tokens) metrics.output_tokens = tokens.completion_tokens;
  if (tokens.total_tokens) metrics.total_tokens = tokens.total_tokens;
  return metrics;
}

/**
 * Translates one agent run's platform events into AgentOS events, in one place:
 * token -> RunContent, tool_call -> ToolCallStarted, tool_result -> ToolCallCompleted,
 * done -> RunContentCompleted + RunCompleted, error -> RunError (RunCancelled + RunCompleted for a cancel).
 */
export class AgentEventTranslator {
  private text = '';
  private readonly toolStarts = new Map<string, number>();

  constructor(
    private readonly identity: AgentRunIdentity,
    private readonly now: () => number = () => epochSeconds(),
  ) {}

  /** The first event of the stream. */
  started(): AgnoEvent {
    return this.event('RunStarted', { model: this.identity.model, model_provider: this.identity.modelProvider });
  }

  /** The AgentOS events for one platform event (none for events AgentOS has no name for). */
  translate({ event, data }: PlatformEvent): AgnoEvent[] {
    switch (event) {
      case 'token': {
        const content = String(data.content ?? '');
        this.text += content;
        return [this.event('RunContent', { content, workflow_agent: false, content_type: 'str' })];
      }
      case 'tool_call': {
        const id = String(data.id ?? '');
        const createdAt = this.now();
        this.toolStarts.set(id, createdAt);
        const tool = toolExecution({ id, name: String(data.name ?? ''), args: data.arguments, createdAt, result: null, error: null });
        return [this.event('ToolCallStarted', { tool })];
      }
      case 'tool_result': {
        const id = String(data.id ?? '');
        const result = asText(data.result);
        const createdAt = this.toolStarts.get(id) ?? this.now();
        const tool = toolExecution({ id, name: String(data.name ?? ''), args: data.arguments, createdAt, result, error: data.is_error === true });
        return [this.event('ToolCallCompleted', { content: result, tool })];
      }
      case 'done':
        return this.completed(data);
      case 'error':
        return this.failed(data);
      default:
        return [];
    }
  }

  /** The terminal events of a run that ended with `done`. */
  private completed(data: Record<string, unknown>): AgnoEvent[] {
    const content = typeof data.content === 'string' ? data.content : this.text;
    return [
      this.event('RunContentCompleted', {}),
      this.event('RunCompleted', { content, content_type: 'str', model: String(data.model ?? this.identity.model), metrics: runMetrics(data.token_usage) }),
    ];
  }

  /** A failed run ends with RunError; a cancelled one with RunCancelled, then RunCompleted with what was said. */
  private failed(data: Record<string, unknown>): AgnoEvent[] {
    const message = String(data.message ?? data.error ?? 'The run failed');
    if (data.error === 'RUN_CANCELLED') {
      return [this.event('RunCancelled', { reason: message }), this.event('RunCompleted', { content: this.text, content_type: 'str' })];
    }
    return [this.event('RunError', { content: message, error_type: String(data.error ?? 'RUN_FAILED') })];
  }

  /** Base fields first, in AgentOS' order, then the event's own. */
  private event(name: string, extra: Record<string, unknown>): AgnoEvent {
    const { agentId, agentName, runId, sessionId, parentRunId } = this.identity;
    return {
      created_at: this.now(),
      event: name,
      agent_id: agentId,
      agent_name: agentName,
      run_id: runId,
      ...(parentRunId ? { parent_run_id: parentRunId } : {}),
      session_id: sessionId,
      nested_depth: parentRunId ? 1 : 0,
      ...extra,
    };
  }
}

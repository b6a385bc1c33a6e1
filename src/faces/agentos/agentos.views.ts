import type { AgentDefinition } from '../../platform/db/schema/index.js';
import type { RunView } from '../../modules/runs/runs.view.js';
import type { SessionRecord } from '../../modules/agent-chat/conversations.repository.js';
import { runMetrics } from './agentos.events.js';

/** The one "database" this face reports: Agent UI needs an agent's `db_id` to list its sessions. */
export const agentOsDbId = 'tiangong';

/** An agent's model as AgentOS names it; absent when the agent uses the caller's default model. */
export interface AgentModel {
  id: string;
  provider: string;
}

/** An agent in `GET /agents` and `GET /agents/{id}` (AgentResponse; null fields omitted). */
export function toAgentResponse(agent: { id: string; definition: AgentDefinition }, model: AgentModel | null) {
  const { definition } = agent;
  return {
    id: agent.id,
    name: definition.name,
    db_id: agentOsDbId,
    ...(definition.description ? { description: definition.description } : {}),
    ...(model ? { model: { name: model.id, model: model.id, provider: model.provider } } : {}),
    ...(definition.system_prompt ? { system_message: { instructions: definition.system_prompt } } : {}),
    ...(definition.include_tools.length > 0 ? { tools: { tools: definition.include_tools.map((name) => ({ name })) } } : {}),
    ...(definition.opening_message ? { introduction: definition.opening_message } : {}),
    sessions: { session_table: 'chat_sessions', num_history_runs: definition.memory.history_messages },
    is_factory: false,
    is_component: false,
  };
}

/** ISO-8601 UTC with `Z`, as AgentOS' REST schemas write times (seconds precision). */
export const isoZ = (date: Date | string) => `${new Date(date).toISOString().slice(0, 19)}Z`;

/** A platform run status in AgentOS' words. */
export function runStatus(status: string): string {
  switch (status) {
    case 'succeeded':
      return 'COMPLETED';
    case 'failed':
      return 'ERROR';
    case 'cancelled':
      return 'CANCELLED';
    case 'paused':
    case 'waiting_approval':
      return 'PAUSED';
    case 'pending':
      return 'PENDING';
    default:
      return 'RUNNING';
  }
}

/** A chat run inside a session (`GET /sessions/{id}/runs`): the RunSchema keys AgentOS always sends. */
export function toRunSchema(run: RunView) {
  const output = (run.output ?? {}) as { content?: unknown };
  const input = (run.input ?? {}) as { message?: unknown };
  return {
    run_id: run.id,
    parent_run_id: run.parent_run_id ?? '',
    agent_id: run.agent_id ?? '',
    user_id: '',
    status: runStatus(run.status),
    run_input: typeof input.message === 'string' ? input.message : '',
    content: typeof output.content === 'string' ? output.content : '',
    run_response_format: 'text',
    reasoning_content: '',
    reasoning_steps: [],
    metrics: runMetrics(run.token_usage),
    created_at: isoZ(run.created_at),
    references: [],
    reasoning_messages: [],
    images: [],
    videos: [],
    audio: [],
    files: [],
    input_media: { images: [], videos: [], audios: [], files: [] },
  };
}

/** A session in `GET /sessions` (SessionSchema). */
export function toSessionSchema(session: SessionRecord) {
  return {
    session_id: session.id,
    session_name: session.title,
    created_at: isoZ(session.createdAt),
    updated_at: isoZ(session.updatedAt),
    session_type: 'agent',
    ...(session.agentId ? { agent_id: session.agentId } : {}),
  };
}

/** A stored message as AgentOS' Message dict (`created_at` in epoch seconds, empty values omitted). */
export function toAgnoMessage(message: { id: string; role: string; content: string; tool_calls: unknown; tool_call_id: string | null; tool_name: string | null; created_at: string }) {
  const toolCalls = Array.isArray(message.tool_calls)
    ? (message.tool_calls as Array<{ id: string; name: string; arguments: unknown }>).map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
      }))
    : [];
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    ...(message.tool_call_id ? { tool_call_id: message.tool_call_id } : {}),
    ...(message.tool_name ? { tool_name: message.tool_name } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    created_at: Math.floor(new Date(message.created_at).getTime() / 1000),
  };
}

/** A session's detail (AgentSessionDetailSchema) with its chat history. */
export function toSessionDetail(session: SessionRecord, messages: Parameters<typeof toAgnoMessage>[0][]) {
  return {
    agent_session_id: session.id,
    session_id: session.id,
    session_name: session.title,
    ...(session.agentId ? { agent_id: session.agentId } : {}),
    chat_history: messages.map(toAgnoMessage),
    created_at: isoZ(session.createdAt),
    updated_at: isoZ(session.updatedAt),
  };
}

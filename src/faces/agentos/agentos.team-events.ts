import { AgentEventTranslator, epochSeconds, runMetrics, type PlatformEvent } from './agentos.events.js';
import type { AgnoEvent } from './agentos.sse.js';

/** Who a team stream speaks for. */
export interface TeamRunIdentity {
  teamId: string;
  teamName: string;
  runId: string;
  sessionId: string;
  model: string;
  modelProvider: string;
}

/** Agent event names that have a `Team` twin; the rest (member-only) keep their names. */
const teamTwins = new Set([
  'RunStarted',
  'RunContent',
  'RunContentCompleted',
  'RunCompleted',
  'RunError',
  'RunCancelled',
  'ToolCallStarted',
  'ToolCallCompleted',
]);

/**
 * An agent event re-addressed to the team (a main agent speaks as its team): `Team` prefix,
 * `team_id`/`team_name` in place of the agent's, no `workflow_agent` (TeamRunContent has none).
 */
export function asTeamEvent(event: AgnoEvent, team: { teamId: string; teamName: string }): AgnoEvent {
  const { agent_id: _agentId, agent_name: _agentName, workflow_agent: _workflowAgent, created_at: createdAt, event: name, ...rest } = event;
  const teamName = teamTwins.has(name) ? `Team${name}` : name;
  return { created_at: createdAt, event: teamName, team_id: team.teamId, team_name: team.teamName, ...rest };
}

/**
 * Translates an orchestration run's events into Team* events with member-agent events forwarded
 * (agent_id/agent_name of the member, `parent_run_id` = the team run): agent_start -> RunStarted,
 * token/tool_call/tool_result -> RunContent/ToolCall*, agent_done -> RunCompleted (with its child
 * run's id), done -> TeamRunContentCompleted + TeamRunCompleted. Events Agno has no name for
 * (route, round, stage, verdict) are left out.
 */
export class TeamEventTranslator {
  private readonly members = new Map<string, AgentEventTranslator>();

  constructor(
    private readonly identity: TeamRunIdentity,
    private readonly now: () => number = () => epochSeconds(),
  ) {}

  started(): AgnoEvent {
    return this.event('TeamRunStarted', { model: this.identity.model, model_provider: this.identity.modelProvider });
  }

  translate(platform: PlatformEvent): AgnoEvent[] {
    const { event, data } = platform;
    if (event === 'done') return this.completed(data);
    if (event === 'error') return this.failed(data);
    const agentId = typeof data.agent_id === 'string' ? data.agent_id : null;
    if (!agentId) return [];
    if (event === 'agent_start') return [this.member(agentId, String(data.agent_name ?? ''), true).started()];
    if (event === 'agent_done') {
      const member = this.member(agentId, String(data.agent_name ?? ''), false);
      return member.translate({ event: 'done', data: { content: data.content, token_usage: data.token_usage } }).filter((out) => out.event === 'RunCompleted').map((out) => ({ ...out, ...(data.run_id ? { run_id: data.run_id } : {}) }));
    }
    if (event === 'token' || event === 'tool_call' || event === 'tool_result') return this.member(agentId, String(data.agent_name ?? ''), false).translate(platform);
    return [];
  }

  /** The member's translator; a new turn of the same agent (debate rounds) starts a fresh one. */
  private member(agentId: string, agentName: string, fresh: boolean): AgentEventTranslator {
    let member = this.members.get(agentId);
    if (!member || fresh) {
      const { runId, sessionId } = this.identity;
      member = new AgentEventTranslator({ agentId, agentName, runId, sessionId, model: '', modelProvider: '', parentRunId: runId }, this.now);
      this.members.set(agentId, member);
    }
    return member;
  }

  private completed(data: Record<string, unknown>): AgnoEvent[] {
    return [
      this.event('TeamRunContentCompleted', {}),
      this.event('TeamRunCompleted', { content: String(data.content ?? ''), content_type: 'str', metrics: runMetrics(data.token_usage) }),
    ];
  }

  private failed(data: Record<string, unknown>): AgnoEvent[] {
    const message = String(data.message ?? data.error ?? 'The run failed');
    if (data.error === 'RUN_CANCELLED') return [this.event('TeamRunCancelled', { reason: message }), this.event('TeamRunCompleted', { content: '', content_type: 'str' })];
    return [this.event('TeamRunError', { content: message, error_type: String(data.error ?? 'RUN_FAILED') })];
  }

  private event(name: string, extra: Record<string, unknown>): AgnoEvent {
    const { teamId, teamName, runId, sessionId } = this.identity;
    return { created_at: this.now(), event: name, team_id: teamId, team_name: teamName, run_id: runId, session_id: sessionId, nested_depth: 0, ...extra };
  }
}

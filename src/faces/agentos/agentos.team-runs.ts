import type { FastifyReply } from 'fastify';
import type { OrchestrationTemplatesService } from '../../modules/orchestration-templates/orchestration-templates.service.js';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import type { AgentOsAgents } from './agentos.agents.js';
import type { AgentOsRuns } from './agentos.agent-runs.js';
import { epochSeconds, runMetrics } from './agentos.events.js';
import { relayRun } from './agentos.relay.js';
import { asTeamEvent, TeamEventTranslator } from './agentos.team-events.js';
import { teamIdentity, type Team } from './agentos.teams.js';

/** One team run: the team, the message, and (main agents only) the session to continue. */
export interface TeamRunRequest {
  actor: Actor;
  team: Team;
  message: string;
  sessionId: string | undefined;
}

/**
 * Runs teams through the same services as /api/v1: a template through its orchestration, a main
 * agent through the chat runner (its delegations are tool calls). A template run has no session
 * to continue, so its `session_id` is its run id.
 */
export class AgentOsTeamRuns {
  constructor(private readonly deps: { templates: OrchestrationTemplatesService; runs: RunsService; agentRuns: AgentOsRuns; agents: AgentOsAgents }) {}

  async stream(request: TeamRunRequest, reply: FastifyReply): Promise<void> {
    const { actor, team } = request;
    const identity = teamIdentity(team);
    const names = { teamId: identity.id, teamName: identity.name };
    if (team.kind === 'main-agent') {
      const model = await this.deps.agents.model(actor, team.agent.definition);
      const run = { actor, agent: team.agent, model, message: request.message, sessionId: request.sessionId };
      return this.deps.agentRuns.stream(run, reply, (event) => asTeamEvent(event, names));
    }
    const started = await this.deps.templates.run(actor, team.template.id, request.message);
    const translator = new TeamEventTranslator({ ...names, runId: started.id, sessionId: started.id, model: '', modelProvider: '' });
    await relayRun({ runs: this.deps.runs, actor, runId: started.id, reply, first: translator.started(), translate: (event) => translator.translate(event) });
  }

  async reply(request: TeamRunRequest, reply: FastifyReply) {
    const { actor, team } = request;
    const identity = teamIdentity(team);
    if (team.kind === 'main-agent') {
      const model = await this.deps.agents.model(actor, team.agent.definition);
      const { agent_id: _agentId, agent_name: _agentName, ...output } = await this.deps.agentRuns.reply({ actor, agent: team.agent, model, message: request.message, sessionId: request.sessionId }, reply);
      return { ...output, team_id: identity.id, team_name: identity.name };
    }
    const createdAt = epochSeconds();
    const started = await this.deps.templates.run(actor, team.template.id, request.message, { signal: callerGone(reply) });
    const settled = await started.settled;
    if (settled.error) throw settled.error;
    const output = (settled.output ?? {}) as { content?: unknown; token_usage?: unknown; turns?: Array<Record<string, unknown>> };
    return {
      run_id: started.id,
      team_id: identity.id,
      team_name: identity.name,
      session_id: started.id,
      input: { input_content: request.message },
      content: String(output.content ?? ''),
      content_type: 'str',
      metrics: runMetrics(output.token_usage),
      member_responses: (output.turns ?? []).map((turn) => ({
        run_id: turn.run_id,
        agent_id: turn.agent_id,
        agent_name: turn.agent_name,
        parent_run_id: started.id,
        content: turn.content,
        content_type: 'str',
        status: 'COMPLETED',
      })),
      created_at: createdAt,
      status: 'COMPLETED',
    };
  }
}

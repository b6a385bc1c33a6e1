import type { OrchestrationTemplatesService } from '../../modules/orchestration-templates/orchestration-templates.service.js';
import type { TemplateResponse } from '../../modules/orchestration-templates/orchestration-templates.schemas.js';
import type { AgentDefinition } from '../../platform/db/schema/index.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { allPages } from '../all-pages.js';
import { isUuid, type AgentOsAgents } from './agentos.agents.js';
import { notFoundDetail } from './agentos.errors.js';
import { agentOsDbId, toAgentResponse } from './agentos.views.js';

/** An AgentOS team: one of our orchestration templates, or a main agent (an agent that delegates to sub-agents). */
export type Team =
  | { kind: 'template'; template: TemplateResponse }
  | { kind: 'main-agent'; agent: { id: string; definition: AgentDefinition } };

/**
 * Our modes in Agno's words. A main agent decides whom to ask: `coordinate`. A router picks one
 * member: `route`. A debate puts the same question to every member (and a judge concludes):
 * `broadcast`. Sequential, pipeline and graph hand each member its task in a set order: `tasks`.
 */
export function agnoMode(team: Team): 'coordinate' | 'route' | 'broadcast' | 'tasks' {
  if (team.kind === 'main-agent') return 'coordinate';
  const { mode } = team.template;
  if (mode === 'route') return 'route';
  if (mode === 'debate') return 'broadcast';
  return 'tasks';
}

/** The agents a team's members are, in order, each once. */
function memberIds(team: Team): string[] {
  if (team.kind === 'main-agent') return team.agent.definition.coordination?.sub_agent_ids ?? [];
  const { template } = team;
  const ids = [...(template.agent_ids ?? []), ...(template.judge_agent_id ? [template.judge_agent_id] : []), ...(template.stages ?? []).map((stage) => stage.agent_id), ...(template.agent_id ? [template.agent_id] : [])];
  return [...new Set(ids)];
}

/** The team's id and name: the template's, or the main agent's. */
export function teamIdentity(team: Team): { id: string; name: string; description: string } {
  if (team.kind === 'main-agent') return { id: team.agent.id, name: team.agent.definition.name, description: team.agent.definition.description };
  return { id: team.template.id, name: team.template.name, description: team.template.description };
}

/** The caller's teams: orchestration templates first, then main agents. */
export class AgentOsTeams {
  constructor(private readonly deps: { templates: OrchestrationTemplatesService; agents: AgentOsAgents }) {}

  async list(actor: Actor): Promise<Team[]> {
    const templates = await allPages((page) => this.deps.templates.list(actor, page));
    const teams = templates.map((template): Team => ({ kind: 'template', template }));
    for (const agent of await this.deps.agents.list(actor)) if (agent.definition.coordination) teams.push({ kind: 'main-agent', agent });
    return teams;
  }

  /** The caller's team by id (a template id or a main agent's id), or 404 `Team not found`. */
  async find(actor: Actor, teamId: string): Promise<Team> {
    if (!isUuid(teamId)) throw notFoundDetail('Team not found');
    try {
      return { kind: 'template', template: await this.deps.templates.get(actor, teamId) };
    } catch (error) {
      if (!isAppError(error) || error.category !== 'not_found') throw error;
    }
    const agent = await this.deps.agents.find(actor, teamId).catch(() => null);
    if (agent?.definition.coordination) return { kind: 'main-agent', agent };
    throw notFoundDetail('Team not found');
  }

  /** A team as `GET /teams` shows it (TeamResponse): mode and members (as AgentResponse). */
  async response(actor: Actor, team: Team) {
    const identity = teamIdentity(team);
    const members = [];
    for (const id of memberIds(team)) {
      const member = await this.deps.agents.find(actor, id).catch(() => null);
      if (member) members.push(toAgentResponse(member, await this.deps.agents.model(actor, member.definition)));
    }
    const model = team.kind === 'main-agent' ? await this.deps.agents.model(actor, team.agent.definition) : null;
    return {
      id: identity.id,
      name: identity.name,
      db_id: agentOsDbId,
      ...(identity.description ? { description: identity.description } : {}),
      mode: agnoMode(team),
      ...(model ? { model: { name: model.id, model: model.id, provider: model.provider } } : {}),
      members,
      is_factory: false,
      is_component: false,
    };
  }
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type { TokenService } from '../../platform/crypto/jwt.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { actorOf } from '../../platform/http/authenticate.js';
import type { AgentOsAgents } from './agentos.agents.js';
import type { SecurityKeyAuthenticator } from './agentos.security-key.js';
import { agnoMode, teamIdentity, type AgentOsTeams } from './agentos.teams.js';
import { toWorkflowSummary, type AgentOsWorkflows } from './agentos.workflows.js';
import { agentOsDbId, type AgentModel } from './agentos.views.js';

/** What the OS-level routes use. */
export interface AgentOsCoreRoutesOptions {
  agents: AgentOsAgents;
  teams: AgentOsTeams;
  workflows: AgentOsWorkflows;
  securityKey: SecurityKeyAuthenticator;
  tokens: TokenService;
  version: string;
}

const tags = ['agentos'];
const osId = 'tiangong';

/** The actor of a public route's optional bearer token (key or JWT), or null: `/info` counts only what the caller can see. */
async function optionalActor(request: FastifyRequest, options: AgentOsCoreRoutesOptions): Promise<Actor | null> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return null;
  const keyed = await options.securityKey.actorFor(token);
  if (keyed) return keyed;
  const verified = await options.tokens.verify(token);
  return verified.ok ? { userId: verified.claims.sub, role: verified.claims.role } : null;
}

/** `GET /`, `/info`, `/config`, `/models`: what this AgentOS is and what it runs. */
export const agentOsCoreRoutes: FastifyPluginAsyncZod<AgentOsCoreRoutesOptions> = async (app, options) => {
  const { agents, teams, workflows, securityKey, version } = options;

  app.get('/', { schema: { summary: 'AgentOS: identity', tags, security: [] } }, async () => ({ name: 'AgentOS API', id: osId, version }));

  app.get('/info', { schema: { summary: 'AgentOS: counts and auth mode', tags, security: [] } }, async (request) => {
    const actor = await optionalActor(request, options);
    const agentCount = actor ? (await agents.list(actor)).length : 0;
    const teamCount = actor ? (await teams.list(actor)).length : 0;
    const workflowCount = actor ? (await workflows.list(actor)).length : 0;
    return {
      os_id: osId,
      name: 'Tiangong',
      agno_version: '2.9.0',
      agent_count: agentCount,
      team_count: teamCount,
      workflow_count: workflowCount,
      mcp: { enabled: false, path: null, oauth: null },
      auth_mode: securityKey.configured ? 'security_key' : 'jwt',
    };
  });

  app.get('/config', { schema: { summary: 'AgentOS: configuration', tags } }, async (request) => {
    const actor = actorOf(request);
    const summaries = await Promise.all(
      (await agents.list(actor)).map(async (agent) => {
        const model = await agents.model(actor, agent.definition);
        return {
          id: agent.id,
          name: agent.definition.name,
          ...(agent.definition.description ? { description: agent.definition.description } : {}),
          db_id: agentOsDbId,
          ...(model ? { model } : {}),
        };
      }),
    );
    return {
      os_id: osId,
      name: 'Tiangong',
      available_models: [...new Set(summaries.flatMap((agent) => (agent.model ? [agent.model.id] : [])))],
      os_database: agentOsDbId,
      databases: [agentOsDbId],
      session: { dbs: [{ db_id: agentOsDbId, domain_config: { display_name: 'Sessions' }, tables: ['chat_sessions'] }] },
      agents: summaries,
      teams: (await teams.list(actor)).map((team) => {
        const { id, name, description } = teamIdentity(team);
        return { id, name, ...(description ? { description } : {}), db_id: agentOsDbId, mode: agnoMode(team) };
      }),
      workflows: (await workflows.list(actor)).map(toWorkflowSummary),
      interfaces: [],
    };
  });

  app.get('/models', { schema: { summary: 'AgentOS: models in use', tags } }, async (request) => {
    const actor = actorOf(request);
    const unique = new Map<string, AgentModel>();
    for (const agent of await agents.list(actor)) {
      const model = await agents.model(actor, agent.definition);
      if (model) unique.set(`${model.provider}/${model.id}`, model);
    }
    return [...unique.values()];
  });
};

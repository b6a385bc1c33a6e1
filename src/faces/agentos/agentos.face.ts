import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ChatRunner } from '../../modules/agent-chat/chat-runner.js';
import type { ChatService } from '../../modules/agent-chat/chat.service.js';
import type { AgentsService } from '../../modules/agents/agents.service.js';
import type { ModelConfigsService } from '../../modules/model-configs/model-configs.service.js';
import type { OrchestrationTemplatesService } from '../../modules/orchestration-templates/orchestration-templates.service.js';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { WorkflowExecutionsService } from '../../modules/workflow-executions/workflow-executions.service.js';
import type { WorkflowsService } from '../../modules/workflows/workflows.service.js';
import type { TokenService } from '../../platform/crypto/jwt.js';
import { AgentOsAgents } from './agentos.agents.js';
import { AgentOsRuns } from './agentos.agent-runs.js';
import { agentOsAgentRoutes } from './agentos.agents.routes.js';
import { agentOsCoreRoutes } from './agentos.core.routes.js';
import { handleAgentOsError } from './agentos.errors.js';
import { agentOsPrefixes } from './agentos.paths.js';
import type { SecurityKeyAuthenticator } from './agentos.security-key.js';
import { agentOsSessionRoutes } from './agentos.sessions.routes.js';
import { AgentOsTeamRuns } from './agentos.team-runs.js';
import { AgentOsTeams } from './agentos.teams.js';
import { agentOsTeamRoutes } from './agentos.teams.routes.js';
import { AgentOsWorkflows } from './agentos.workflows.js';
import { agentOsWorkflowRoutes } from './agentos.workflows.routes.js';
import { agentOsWorkflowSocketRoutes } from './agentos.workflow-socket.routes.js';

/** The services the face adapts; it has no behaviour of its own beyond the mapping. */
export interface AgentOsFaceOptions {
  agents: AgentsService;
  modelConfigs: ModelConfigsService;
  templates: OrchestrationTemplatesService;
  workflows: WorkflowsService;
  executions: WorkflowExecutionsService;
  chat: ChatService;
  runner: ChatRunner;
  runs: RunsService;
  tokens: TokenService;
  securityKey: SecurityKeyAuthenticator;
  version: string;
  /** Largest form field (the message) a run takes, in bytes. */
  bodyLimitBytes: number;
}

/**
 * The AgentOS-compatible face, mounted at the root beside /api/v1 (see docs/agentos.md). Its routes
 * answer errors as `{"detail": ...}`, take the security key as well as platform JWTs, and read
 * form data on run endpoints. Encapsulated: its error handler and multipart parser stay here.
 */
export const agentOsFace: FastifyPluginAsync<AgentOsFaceOptions> = async (app, options) => {
  app.setErrorHandler(handleAgentOsError);
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, bearerKey: options.securityKey.actorFor };
  });
  // Agent UI sends `Content-Type: application/json` on every call, bodiless DELETEs and cancels
  // included; FastAPI reads an empty body as none, so the face does too (same parser otherwise).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return jsonParser(request, body as string, done);
  });
  await app.register(multipart, { limits: { fieldSize: options.bodyLimitBytes, fields: 50, files: 10, parts: 60 } });
  const agents = new AgentOsAgents({ agents: options.agents, modelConfigs: options.modelConfigs });
  const agentRuns = new AgentOsRuns({ runner: options.runner, runs: options.runs });
  const teams = new AgentOsTeams({ templates: options.templates, agents });
  const workflows = new AgentOsWorkflows(options.workflows);
  await app.register(agentOsCoreRoutes, { agents, teams, workflows, securityKey: options.securityKey, tokens: options.tokens, version: options.version });
  await app.register(agentOsAgentRoutes, { agents, agentRuns, runs: options.runs });
  const teamRuns = new AgentOsTeamRuns({ templates: options.templates, runs: options.runs, agentRuns, agents });
  await app.register(agentOsTeamRoutes, { teams, teamRuns, runs: options.runs });
  await app.register(agentOsWorkflowRoutes, { workflows, executions: options.executions, runs: options.runs });
  await app.register(agentOsWorkflowSocketRoutes, {
    workflows,
    executions: options.executions,
    runs: options.runs,
    tokens: options.tokens,
    securityKey: options.securityKey,
  });
  await app.register(agentOsSessionRoutes, { chat: options.chat, runs: options.runs });
  // An unknown path under the face's prefixes answers as FastAPI does (the platform's shape elsewhere).
  for (const prefix of agentOsPrefixes) {
    await app.register(async (scoped) => scoped.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' })), { prefix });
  }
};

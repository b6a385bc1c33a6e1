import type { FastifyInstance } from 'fastify';
import type { Container } from '../container.js';
import { agentChatRoutes } from './agent-chat/agent-chat.routes.js';
import { agentExecutionRoutes } from './agent-chat/agent-execution.routes.js';
import { bareChatRoutes } from './agent-chat/bare-chat.routes.js';
import { branchesRoutes } from './agent-chat/branches.routes.js';
import { agentsRoutes } from './agents/agents.routes.js';
import { apiKeysRoutes } from './api-keys/api-keys.routes.js';
import { mainAgentRoutes } from './main-agent/main-agent.routes.js';
import { swarmRoutes } from './swarm/swarm.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { healthRoutes } from './health/health.routes.js';
import { knowledgeBasesRoutes } from './knowledge-bases/knowledge-bases.routes.js';
import { knowledgeDocumentsRoutes } from './knowledge-bases/knowledge-documents.routes.js';
import { knowledgeUploadsRoutes } from './knowledge-bases/knowledge-uploads.routes.js';
import { executionSocketRoutes } from './execution-ws/execution-ws.routes.js';
import { executionsRoutes, workflowExecuteRoutes } from './workflow-executions/workflow-executions.routes.js';
import { executionLogsRoutes } from './execution-logs/execution-logs.routes.js';
import { workflowTemplatesRoutes } from './workflows/workflow-templates.routes.js';
import { workflowVersionsRoutes } from './workflows/workflow-versions.routes.js';
import { workflowsRoutes } from './workflows/workflows.routes.js';
import { modelConfigsRoutes } from './model-configs/model-configs.routes.js';
import { nodeTemplatesRoutes } from './node-templates/node-templates.routes.js';
import { workflowNodesRoutes } from './workflow-nodes/workflow-nodes.routes.js';
import { runsRoutes } from './runs/runs.routes.js';
import { orchestrationRoutes } from './orchestration/orchestration.routes.js';
import { orchestrationTemplatesRoutes } from './orchestration-templates/orchestration-templates.routes.js';
import { mcpServersRoutes } from './tools/mcp-servers.routes.js';
import { toolsRoutes } from './tools/tools.routes.js';
import { batchRoutes } from './batch/batch.routes.js';
import { webhooksRoutes } from './webhooks/webhooks.routes.js';
import { uploadsRoutes } from './uploads/uploads.routes.js';

/**
 * The explicit list of API modules. A new module adds one line here; nothing is discovered
 * by scanning folders, so a reader sees every mounted prefix in one place.
 */
export async function registerModules(app: FastifyInstance, container: Container): Promise<void> {
  await app.register(healthRoutes, { version: container.config.version, tools: container.tools });
  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    auth: container.services.auth,
    loginRateLimit: container.config.auth.loginRateLimit,
  });
  await app.register(apiKeysRoutes, { prefix: '/api/v1/api-keys', service: container.services.apiKeys });
  await app.register(modelConfigsRoutes, { prefix: '/api/v1/model-configs', service: container.services.modelConfigs });
  await app.register(agentsRoutes, { prefix: '/api/v1/agents', service: container.services.agents });
  await app.register(mainAgentRoutes, { prefix: '/api/v1/agents', service: container.services.mainAgent });
  await app.register(agentExecutionRoutes, {
    prefix: '/api/v1/agents',
    chat: container.services.chat,
    runner: container.services.runner,
    agents: container.services.agents,
    runs: container.services.runs,
    orchestration: container.services.orchestrationModes,
  });
  const chatStream = { runner: container.services.runner, runs: container.services.runs };
  await app.register(bareChatRoutes, { prefix: '/api/v1/agent-chat', ...chatStream });
  await app.register(branchesRoutes, { prefix: '/api/v1/agent-chat', service: container.services.branches });
  const orchestrations = { runs: container.services.runs };
  await app.register(orchestrationRoutes, { prefix: '/api/v1/agent-chat', service: container.services.orchestrationModes, ...orchestrations });
  await app.register(orchestrationTemplatesRoutes, {
    prefix: '/api/v1/orchestration-templates',
    service: container.services.orchestrationTemplates,
    ...orchestrations,
  });
  await app.register(toolsRoutes, {
    prefix: '/api/v1/tools',
    tools: container.services.tools,
    custom: container.services.customTools,
  });
  await app.register(mcpServersRoutes, { prefix: '/api/v1/tools/mcp-servers', service: container.services.mcpServers });
  await app.register(uploadsRoutes, { prefix: '/api/v1/uploads', service: container.services.uploads });
  await app.register(runsRoutes, { prefix: '/api/v1/runs', service: container.services.runs });
  await app.register(swarmRoutes, { prefix: '/api/v1/swarm', service: container.services.swarm, runs: container.services.runs });
  const knowledge = container.services;
  await app.register(knowledgeBasesRoutes, {
    prefix: '/api/v1/knowledge-bases',
    service: knowledge.knowledgeBases,
    search: knowledge.knowledgeSearch,
    rag: knowledge.knowledgeRag,
    runs: knowledge.runs,
  });
  await app.register(knowledgeDocumentsRoutes, { prefix: '/api/v1/knowledge-bases', service: knowledge.knowledgeDocuments });
  await app.register(knowledgeUploadsRoutes, {
    prefix: '/api/v1/knowledge-bases',
    bases: knowledge.knowledgeBases,
    documents: knowledge.knowledgeDocuments,
    uploads: knowledge.uploads,
  });
  await app.register(agentChatRoutes, {
    prefix: '/api/v1/agent-chat',
    ...chatStream,
    agents: container.services.agents,
  });
  const { workflows, executions, runs } = container.services;
  await app.register(workflowTemplatesRoutes, { prefix: '/api/v1/workflows', service: workflows });
  await app.register(workflowsRoutes, { prefix: '/api/v1/workflows', service: workflows });
  await app.register(workflowVersionsRoutes, { prefix: '/api/v1/workflows', service: workflows });
  await app.register(workflowExecuteRoutes, { prefix: '/api/v1/workflows', service: executions, runs });
  await app.register(executionsRoutes, { prefix: '/api/v1/executions', service: executions, runs });
  await app.register(webhooksRoutes, { prefix: '/api/v1/webhooks', service: container.services.webhooks });
  await app.register(batchRoutes, { prefix: '/api/v1/batch', service: container.services.batch });
  await app.register(executionLogsRoutes, { prefix: '/api/v1/execution-logs', service: container.services.executionLogs });
  await app.register(executionSocketRoutes, { prefix: '/ws/executions', executions, runs, events: container.events });
  await app.register(nodeTemplatesRoutes, { prefix: '/api/v1/node-templates', service: container.services.nodeTemplates });
  await app.register(workflowNodesRoutes, { prefix: '/api/v1/nodes', service: container.services.workflowNodes });
}

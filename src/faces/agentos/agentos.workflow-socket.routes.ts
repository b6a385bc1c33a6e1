import type { FastifyPluginAsync } from 'fastify';
import { AgentOsError } from './agentos.errors.js';
import { WorkflowSocket, type WorkflowSocketDeps } from './agentos.workflow-socket.js';

/**
 * `WS /workflows/ws`: public at the HTTP level, as in AgentOS, because it authenticates by message
 * (`{"action":"authenticate","token":...}`) and refuses every other command until then.
 */
export const agentOsWorkflowSocketRoutes: FastifyPluginAsync<Omit<WorkflowSocketDeps, 'logger'>> = async (app, deps) => {
  app.route({
    method: 'GET',
    url: '/workflows/ws',
    schema: { hide: true, summary: 'AgentOS: workflow WebSocket (authenticate, ping, start-workflow, reconnect)', tags: ['agentos'], security: [] },
    handler: async () => {
      throw new AgentOsError(426, 'Upgrade Required: connect with a WebSocket');
    },
    wsHandler: (socket, request) => {
      new WorkflowSocket(socket, { ...deps, logger: request.log }).serve();
    },
  });
};

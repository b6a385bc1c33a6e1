import cors from '@fastify/cors';
import formBody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Container } from './container.js';
import { registerModules } from './modules/index.js';
import { openAiFace } from './faces/openai/openai.routes.js';
import { corsDelegator, disallowedPreflightGuard } from './faces/agentos/agentos.cors.js';
import { agentOsFace } from './faces/agentos/agentos.face.js';
import { stripAgentOsTrailingSlash } from './faces/agentos/agentos.paths.js';
import { installAuthentication } from './platform/http/authenticate.js';
import { handleFrameworkError, installErrorHandling } from './platform/http/error-handler.js';
import { installOpenApi } from './platform/http/openapi.js';
import { installWebSockets } from './platform/http/websocket.js';
import { generateRequestId, requestIdHeader } from './platform/http/request-id.js';

/** One registered route: its method and URL pattern, as the route-table test walks them. */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app, in registration order. */
    routeTable: RouteEntry[];
  }
}

function corsOrigin(origins: readonly string[]): boolean | string | string[] {
  if (origins.length === 0) return false;
  return origins.includes('*') ? '*' : [...origins];
}

async function installPlugins(app: FastifyInstance, container: Container): Promise<void> {
  const { config } = container;
  // upgrade-insecure-requests would send Swagger UI's assets to https on a plain-http local server.
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  // The AgentOS face's paths get the spec's CORS (credentials, Agent UI's origin); the rest the platform's.
  const platformCors = { origin: corsOrigin(config.http.corsOrigins), credentials: false };
  app.addHook('onRequest', disallowedPreflightGuard(config.http.corsOrigins));
  await app.register(cors, { delegator: corsDelegator(platformCors, config.http.corsOrigins) });
  await app.register(formBody, { bodyLimit: config.http.bodyLimitBytes });
  await app.register(rateLimit, {
    global: false,
    ...(container.redis ? { redis: container.redis, nameSpace: `${config.redis.prefix}rate-limit:` } : {}),
  });
  await installWebSockets(app);
}

/**
 * Builds the HTTP application on a container: plugins, conventions, modules. It never listens,
 * so tests drive it with `app.inject` and main.ts decides the port.
 */
export async function buildApp(container: Container): Promise<FastifyInstance> {
  const { config } = container;
  const app: FastifyInstance = Fastify({
    loggerInstance: container.logger as FastifyBaseLogger,
    genReqId: generateRequestId,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: handleFrameworkError,
    rewriteUrl: (request) => stripAgentOsTrailingSlash(request.url ?? '/'),
  });

  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) app.routeTable.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
    // A kept-alive connection would hold close() open until its client hung up: end it with this response.
    if (closing) reply.header('connection', 'close');
  });

  await installPlugins(app, container);
  await installOpenApi(app, config.version);
  installAuthentication(app, container.tokens);
  await registerModules(app, container);
  const { apiKeys, agents, runner, runs } = container.services;
  await app.register(openAiFace, { prefix: '/v1', apiKeys, agents, runner, runs, clock: container.clock });
  const { services } = container;
  await app.register(agentOsFace, {
    agents: services.agents,
    modelConfigs: services.modelConfigs,
    templates: services.orchestrationTemplates,
    workflows: services.workflows,
    executions: services.executions,
    chat: services.chat,
    runner: services.runner,
    runs: services.runs,
    tokens: container.tokens,
    securityKey: services.agentOsSecurityKey,
    version: config.version,
    bodyLimitBytes: config.http.bodyLimitBytes,
  });
  return app;
}

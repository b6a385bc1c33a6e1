import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatRunner } from '../../modules/agent-chat/chat-runner.js';
import type { AgentsService } from '../../modules/agents/agents.service.js';
import type { ApiKeyGrant, ApiKeysService } from '../../modules/api-keys/api-keys.service.js';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors/app-error.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { toAppError } from '../../platform/http/error-handler.js';
import { AgentModels, modelIdOf } from './agent-models.js';
import { completionObject, completionTurn } from './completion-turn.js';
import { streamCompletion } from './completion-stream.js';
import { invalidApiKey, sendOpenAiError } from './openai.errors.js';
import { chatCompletionRequestSchema, chatCompletionSchema, modelListSchema, modelSchema, openAiErrors } from './openai.schemas.js';

/** What the OpenAI face adapts: keys, agents, the chat runner and runs. */
export interface OpenAiFaceOptions {
  apiKeys: ApiKeysService;
  agents: AgentsService;
  runner: ChatRunner;
  runs: RunsService;
  clock: Clock;
}

const tags = ['openai'];
/** In the OpenAPI document: an API key, not the platform's sign-in token. */
const security = [{ apiKeyAuth: [] }];

/**
 * The OpenAI-compatible face under /v1: every published agent is a model `agent/<id>`. Requests
 * carry an API key (`Authorization: Bearer tg-…`), not a login token; errors are OpenAI's shape.
 */
export const openAiFace: FastifyPluginAsyncZod<OpenAiFaceOptions> = async (app, { apiKeys, agents, runner, runs, clock }) => {
  const models = new AgentModels(agents);
  const grants = new WeakMap<FastifyRequest, ApiKeyGrant>();
  const grantOf = (request: FastifyRequest): ApiKeyGrant => {
    const grant = grants.get(request);
    if (!grant) throw invalidApiKey(true);
    return grant;
  };

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.category === 'internal') request.log.error({ err: appError.cause ?? error }, 'request failed');
    else request.log.info({ code: appError.code }, appError.message);
    return sendOpenAiError(reply, appError);
  });

  // OpenAI clients parse OpenAI's error shape, also for an endpoint this face does not have.
  app.setNotFoundHandler((request, reply) =>
    sendOpenAiError(
      reply,
      new AppError({ code: 'NOT_FOUND', category: 'not_found', message: `Unknown request URL: ${request.method} ${request.url.split('?')[0]}` }),
    ),
  );

  // These routes are marked apiKeyAuth, so the platform's token check leaves them to this hook.
  app.addHook('onRequest', async (request) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw invalidApiKey(true);
    const grant = await apiKeys.authenticate(match[1]!);
    if (!grant) throw invalidApiKey(false);
    request.actor = grant.actor;
    grants.set(request, grant);
  });
  const config = { apiKeyAuth: true };

  app.get(
    '/models',
    {
      config,
      schema: { summary: 'List models: your published agents that the API key may use', tags, security, response: { 200: modelListSchema, ...openAiErrors(401) } },
    },
    async (request) => ({ object: 'list' as const, data: await models.list(grantOf(request)) }),
  );

  app.get(
    '/models/:model',
    {
      config,
      schema: {
        summary: 'Get a model (agent/<id>; the slash may be sent as %2F)',
        tags,
        security,
        params: z.object({ model: z.string().max(200) }),
        response: { 200: modelSchema, ...openAiErrors(401, 404) },
      },
    },
    async (request) => {
      const agent = await models.resolve(grantOf(request), request.params.model);
      return { id: modelIdOf(agent.id), object: 'model' as const, created: agent.created, owned_by: 'tiangong' };
    },
  );

  app.post(
    '/chat/completions',
    {
      config,
      schema: {
        summary: "Chat with an agent as an OpenAI model (stream: true for chat.completion.chunk SSE)",
        description:
          'One durable agent turn (a run, as on /api/v1/agent-chat): the last message is the user message, system messages are added to the ' +
          "agent's instructions, earlier user and assistant messages are the conversation so far (metadata.session_id continues a stored session). The agent's tools run on " +
          'the server. Answers carry x-run-id and x-session-id headers. Streamed: role chunk, content chunks, finish_reason chunk, a usage ' +
          'chunk when stream_options.include_usage, then data: [DONE].',
        tags,
        security,
        body: chatCompletionRequestSchema,
        response: { 200: chatCompletionSchema, ...openAiErrors(400, 401, 404, 409, 429, 502, 503) },
      },
    },
    async (request, reply) => {
      const grant = grantOf(request);
      const { body } = request;
      const agent = await models.resolve(grant, body.model);
      const turn = completionTurn(agent, body);
      const identity = { model: body.model, created: Math.floor(clock.now().getTime() / 1000) };
      if (body.stream) {
        const includeUsage = body.stream_options?.include_usage === true;
        await streamCompletion({ runner, runs, actor: grant.actor, turn, reply, identity, includeUsage });
        return reply;
      }
      const answer = await runner.reply(grant.actor, turn, { signal: callerGone(reply) });
      reply.header('x-run-id', answer.run_id).header('x-session-id', answer.session_id);
      return completionObject({ id: `chatcmpl-${answer.run_id}`, ...identity }, answer);
    },
  );
};

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../platform/http/schemas.js';
import { SECRET_HEADER, SIGNATURE_HEADER } from './webhook-signature.js';
import { webhookBodyInvalid, webhookMediaType } from './webhooks.errors.js';
import { webhookByIdParams, webhookByNameParams, webhookHeadersSchema, webhookQuerySchema, webhookResponseSchema, type WebhookQuery } from './webhooks.schemas.js';
import type { WebhooksService, WebhookTarget } from './webhooks.service.js';

const tags = ['webhooks'];
const description =
  'Public route: the call proves itself with the workflow webhook secret (header X-Webhook-Secret) or with ' +
  'X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed by the secret>. The JSON object body ' +
  '(or no body) is the start node input. The execution runs as the workflow owner, trigger "webhook".';
const response = { 200: webhookResponseSchema, 202: webhookResponseSchema, ...errorResponses(401, 404, 415, 422) };

/** The raw body as sent (signatures are over these bytes), then its JSON object. */
function inputOf(request: FastifyRequest): { rawBody: Buffer; input: Record<string, unknown> } {
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const contentType = request.headers['content-type'];
  if (rawBody.length === 0) return { rawBody, input: {} };
  if (contentType && !/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) throw webhookMediaType(contentType);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw webhookBodyInvalid();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw webhookBodyInvalid();
  return { rawBody, input: parsed as Record<string, unknown> };
}

async function trigger(service: WebhooksService, target: WebhookTarget, request: FastifyRequest, query: WebhookQuery, reply: FastifyReply) {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const { rawBody, input } = inputOf(request);
  const secret = header(SECRET_HEADER);
  const signature = header(SIGNATURE_HEADER);
  const answer = await service.trigger(target, {
    ...(secret !== undefined ? { secret } : {}),
    ...(signature !== undefined ? { signature } : {}),
    rawBody,
    input,
    mode: query.mode,
    timeoutMs: query.timeout_ms,
  });
  return reply.status(answer.statusCode).send(answer.body);
}

/** /api/v1/webhooks: trigger a workflow by its id, or by its owner and name, with its secret. */
export const webhooksRoutes: FastifyPluginAsyncZod<{ service: WebhooksService }> = async (app, { service }) => {
  // Encapsulated to this plugin: the body stays raw bytes, because a signature covers exactly those.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/:workflow_id',
    { schema: { summary: 'Trigger a workflow by its id', description, tags, params: webhookByIdParams, querystring: webhookQuerySchema, headers: webhookHeadersSchema, response } },
    async (request, reply) => trigger(service, { workflowId: request.params.workflow_id }, request, request.query, reply),
  );

  app.post(
    '/by-name/:owner_id/:name',
    {
      schema: { summary: 'Trigger a workflow by its owner and name', description, tags, params: webhookByNameParams, querystring: webhookQuerySchema, headers: webhookHeadersSchema, response },
    },
    async (request, reply) => trigger(service, { ownerId: request.params.owner_id, name: request.params.name }, request, request.query, reply),
  );
};

import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorResponses, pageSchema, paginationQuerySchema, uuidSchema } from '../src/platform/http/schemas.js';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';
import { createUser, type TestUser } from '../src/test-kit/factories.js';

/** Test-only routes built with the same helpers a module uses. */
const conventionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/items/:item_id',
    {
      schema: {
        summary: 'test',
        params: z.object({ item_id: uuidSchema }),
        querystring: paginationQuerySchema,
        response: { 200: pageSchema(z.object({ id: z.string() })), ...errorResponses(422) },
      },
    },
    async (request) => ({
      items: [{ id: request.params.item_id }],
      total: 1,
      page: request.query.page,
      page_size: request.query.page_size,
    }),
  );
  app.post(
    '/echo',
    { schema: { summary: 'test', body: z.object({ name: z.string().max(10), tags: z.array(z.string()) }) } },
    async (request) => request.body,
  );
  app.get('/boom', { schema: { summary: 'test' } }, async () => {
    throw new Error('secret internal detail');
  });
  app.get(
    '/bad-response',
    { schema: { summary: 'test', response: { 200: z.object({ count: z.number() }) } } },
    async () => ({ count: 'not a number' }) as unknown as { count: number },
  );
};

let testApp: TestApp;
let user: TestUser;

beforeAll(async () => {
  testApp = await buildTestApp({
    env: { BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://app.example.test, https://admin.example.test' },
    extend: async (app: FastifyInstance) => {
      await app.register(conventionRoutes, { prefix: '/api/v1/test' });
    },
  });
  user = await createUser(testApp);
});
afterAll(async () => {
  await testApp.close();
});

type InjectOptions = { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string | object };

function inject(options: InjectOptions) {
  return testApp.app.inject({ ...options, headers: { ...user.headers, ...options.headers } });
}

function expectErrorShape(body: unknown, code: string) {
  expect(body).toMatchObject({ error: code, message: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('uniform errors', () => {
  it('answers unknown routes with 404 NOT_FOUND', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/v1/nowhere?x=1' });

    expect(response.statusCode).toBe(404);
    expectErrorShape(response.json(), 'NOT_FOUND');
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });

    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_JSON');
  });

  it('answers a prototype-polluting body with 400 INVALID_JSON', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__": {"admin": true}, "name": "x", "tags": []}',
    });

    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_JSON');
  });

  it('answers a malformed URL with 400 in the uniform shape', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/v1/auth/%E0%A4%A' });

    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'BAD_REQUEST');
  });

  it('answers an empty JSON body with 400', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });

    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_BODY');
  });

  it('answers a body over the limit with 413', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { name: 'x', tags: Array.from({ length: 500 }, () => 'tag') },
    });

    expect(response.statusCode).toBe(413);
    expectErrorShape(response.json(), 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with 415', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });

    expect(response.statusCode).toBe(415);
    expectErrorShape(response.json(), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('lists every failing field in 422 VALIDATION_ERROR', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/test/echo', payload: { name: 'far too long name', tags: [1] } });

    expect(response.statusCode).toBe(422);
    const body = response.json();
    expectErrorShape(body, 'VALIDATION_ERROR');
    expect(body.details.fields.map((field: { field: string }) => field.field).sort()).toEqual(['body.name', 'body.tags.0']);
  });

  it('validates UUID path parameters before the handler', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/test/items/42' });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields[0].field).toBe('params.item_id');
  });

  it('never shows a stack trace or internal message on a 500', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/test/boom' });

    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(response.body).not.toContain('secret internal detail');
  });

  it('turns a response that breaks its own schema into a 500 without details', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/test/bad-response' });

    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});

describe('lists', () => {
  it('defaults page 1 and page_size 20 and answers the list shape', async () => {
    const id = randomUUID();

    const response = await inject({ method: 'GET', url: `/api/v1/test/items/${id}` });

    expect(response.json()).toEqual({ items: [{ id }], total: 1, page: 1, page_size: 20 });
  });

  it.each([
    ['page=0', 'querystring.page'],
    ['page_size=101', 'querystring.page_size'],
    ['page=abc', 'querystring.page'],
  ])('rejects %s with 422', async (query, field) => {
    const response = await inject({ method: 'GET', url: `/api/v1/test/items/${randomUUID()}?${query}` });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields[0].field).toBe(field);
  });
});

describe('headers', () => {
  it('echoes a well-formed X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await testApp.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-123' } });
    const unsafe = await testApp.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad\nid' } });
    const missing = await testApp.app.inject({ method: 'GET', url: '/health' });

    expect(echoed.headers['x-request-id']).toBe('trace-123');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the request id on error answers too', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'abc' } });

    expect(response.headers['x-request-id']).toBe('abc');
  });

  it('sends security headers', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/health' });

    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('allows only the configured CORS origins', async () => {
    const preflight = (origin: string) =>
      testApp.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/auth/me',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });

    const allowed = await preflight('https://admin.example.test');
    const refused = await preflight('https://evil.example.test');

    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.test');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('GET /health', () => {
  it("answers exactly the seed shape, plus AgentOS' instantiated_at, without a token", async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/health' });

    expect(response.statusCode).toBe(200);
    // One answer serves both contracts: the platform seed's fields and AgentOS' `instantiated_at` (docs/agentos.md).
    expect(response.json()).toEqual({
      status: 'ok',
      version: '0.0.0-test',
      builtin_tools: { count: testApp.container.tools.count, ready: true },
      instantiated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });
});

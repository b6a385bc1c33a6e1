import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCanary, startUpstream, type Canary, type Upstream } from '../../test-kit/http-upstream.js';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/** Custom HTTP tools: templates filled from the input, credentials sealed, answers extracted, SSRF refused. */
let upstream: Upstream;
let testApp: TestApp;
let user: TestUser;

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    if (request.url.startsWith('/fail')) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: { city: 'Hangzhou', items: [{ name: 'a' }, { name: 'b' }] }, echo: request }));
  });
});
afterAll(async () => upstream.close());
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function inject(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, owner = user) {
  return testApp.app.inject({ method, url: `/api/v1/tools${url}`, headers: owner.headers, ...(payload ? { payload } : {}) });
}

function weatherTool(overrides: Record<string, unknown> = {}) {
  return {
    name: 'city_weather',
    description: 'Looks up the weather of a city through the weather service.',
    type: 'http',
    input_schema: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' }, days: { type: 'integer' } },
      required: ['city'],
    },
    http: {
      method: 'POST',
      url: `http://127.0.0.1:${upstream.port}/weather/{{city}}`,
      headers: { 'x-trace': 'trace-{{city}}' },
      query: { days: '{{days}}', unit: 'metric' },
      body: { city: '{{city}}', days: '{{days}}', note: 'for {{city}}' },
      auth: { type: 'bearer', token: 'sk-weather-secret-123456' },
      response_path: '$.data.city',
    },
    ...overrides,
  };
}

describe('custom HTTP tools', () => {
  it('creates a tool, never shows its credential, and calls it with filled templates', async () => {
    const created = await inject('POST', '', weatherTool());
    const used = await inject('POST', `/${created.json().id}/use`, { arguments: { city: 'São Paulo', days: 3 } });
    const sent = upstream.received.at(-1)!;

    expect(created.statusCode).toBe(201);
    expect(JSON.stringify(created.json())).not.toContain('sk-weather-secret-123456');
    expect(created.json().config.auth).toMatchObject({ type: 'bearer', secret_masked: expect.stringContaining('…') });
    expect(used.json()).toMatchObject({ tool: 'city_weather', ok: true, output: { status: 200, data: 'Hangzhou' } });
    expect(sent.url).toBe('/weather/S%C3%A3o%20Paulo?days=3&unit=metric');
    expect(sent.headers.authorization).toBe('Bearer sk-weather-secret-123456');
    expect(sent.headers['x-trace']).toBe('trace-São Paulo');
    expect(JSON.parse(sent.body)).toEqual({ city: 'São Paulo', days: 3, note: 'for São Paulo' });
  });

  it('refuses arguments that do not match the schema with 422, and calls nothing', async () => {
    const created = (await inject('POST', '', weatherTool())).json();
    const before = upstream.received.length;

    const response = await inject('POST', `/${created.id}/use`, { arguments: { days: 'three' } });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((field: { field: string }) => field.field)).toEqual(
      expect.arrayContaining(['body.arguments.city', 'body.arguments.days']),
    );
    expect(upstream.received.length).toBe(before);
  });

  it('reports an upstream error status as a failed call with the reason', async () => {
    const created = (
      await inject('POST', '', weatherTool({ name: 'broken', http: { url: `http://127.0.0.1:${upstream.port}/fail`, response_path: null } }))
    ).json();

    const response = await inject('POST', `/${created.id}/use`, { arguments: { city: 'x' } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'HTTP_TOOL_ERROR_STATUS', message: expect.stringContaining('503') } });
  });

  it('keeps the stored credential when an update leaves it out, and replaces it when given', async () => {
    const created = (await inject('POST', '', weatherTool())).json();
    const http = { ...weatherTool().http, auth: { type: 'bearer' } };

    const kept = await inject('PUT', `/${created.id}`, { http, description: 'Weather, updated description for models.' });
    await inject('POST', `/${created.id}/use`, { arguments: { city: 'a' } });
    const firstAuth = upstream.received.at(-1)!.headers.authorization;
    await inject('PUT', `/${created.id}`, { http: { ...http, auth: { type: 'bearer', token: 'sk-new-token-999999' } } });
    await inject('POST', `/${created.id}/use`, { arguments: { city: 'a' } });

    expect(kept.statusCode).toBe(200);
    expect(firstAuth).toBe('Bearer sk-weather-secret-123456');
    expect(upstream.received.at(-1)!.headers.authorization).toBe('Bearer sk-new-token-999999');
  });

  it('rejects unusable definitions with the failing fields and stores nothing', async () => {
    const bad = [
      weatherTool({ input_schema: { type: 'string' } }),
      weatherTool({ http: { ...weatherTool().http, url: 'ftp://example.com/x' } }),
      weatherTool({ http: { ...weatherTool().http, url: 'http://{{host}}/x' } }),
      weatherTool({ http: { ...weatherTool().http, response_path: '$[' } }),
      weatherTool({ http: { ...weatherTool().http, auth: { type: 'bearer' } } }),
      weatherTool({ name: 'Not Snake' }),
      weatherTool({ input_schema: { type: 'object', properties: { a: { $ref: 'https://evil.example/schema.json' } } } }),
    ];

    const responses = await Promise.all(bad.map((body) => inject('POST', '', body)));
    const list = await inject('GET', '?type=http');

    expect(responses.map((response) => response.statusCode)).toEqual(bad.map(() => 422));
    expect(list.json().total).toBe(0);
  });

  it('refuses a second tool with the same name, and the name of a built-in', async () => {
    await inject('POST', '', weatherTool());

    const again = await inject('POST', '', weatherTool());

    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('TOOL_NAME_TAKEN');
  });

  it("hides another user's tool on every endpoint", async () => {
    const created = (await inject('POST', '', weatherTool())).json();
    const other = await createUser(testApp);

    const responses = await Promise.all([
      inject('GET', `/${created.id}`, undefined, other),
      inject('GET', '/city_weather', undefined, other),
      inject('PUT', `/${created.id}`, { description: 'Taken over by someone else entirely.' }, other),
      inject('DELETE', `/${created.id}`, undefined, other),
      inject('POST', `/${created.id}/use`, { arguments: { city: 'x' } }, other),
    ]);
    const list = await inject('GET', '?type=http', undefined, other);

    expect(responses.map((response) => response.statusCode)).toEqual([404, 404, 404, 404, 404]);
    expect(list.json().total).toBe(0);
    expect((await inject('GET', `/${created.id}`)).statusCode).toBe(200);
  });

  it('tries a request without saving it (test/http)', async () => {
    const { http } = weatherTool();

    const response = await inject('POST', '/test/http', { http: { ...http, response_path: '$.data.items[*].name' }, arguments: { city: 'x' } });

    expect(response.json()).toMatchObject({ ok: true, output: { status: 200, data: ['a', 'b'] } });
    expect((await inject('GET', '?type=http')).json().total).toBe(0);
  });
});

describe('custom HTTP tools and the SSRF guard', () => {
  let canary: Canary;
  let guarded: TestApp;

  beforeAll(async () => {
    canary = await startCanary();
    guarded = await buildTestApp({ env: { ALLOWED_PRIVATE_HOSTS: '' }, keepData: true });
  });
  afterAll(async () => {
    await guarded.close();
    await canary.close();
  });

  it('refuses private and metadata destinations; nothing reaches them', async () => {
    const owner = await createUser(guarded);
    const targets = [
      `http://127.0.0.1:${canary.port}/`,
      `http://localhost:${canary.port}/`,
      `http://2130706433:${canary.port}/`,
      `http://[::ffff:127.0.0.1]:${canary.port}/`,
      'http://169.254.169.254/latest/meta-data/',
    ];
    const outcomes = [];
    for (const url of targets) {
      const response = await guarded.app.inject({
        method: 'POST',
        url: '/api/v1/tools/test/http',
        headers: owner.headers,
        payload: { http: { url }, arguments: {} },
      });
      outcomes.push(response.json());
    }

    expect(outcomes.map((outcome) => outcome.error?.code)).toEqual(targets.map(() => 'SSRF_BLOCKED'));
    expect(canary.connections()).toBe(0);
  });
});

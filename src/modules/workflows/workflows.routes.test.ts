import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import {
  createWorkflow,
  exampleWorkflow,
  expectError,
  expectValidationError,
  missingId,
  request,
  service,
  simpleGraph,
  testApp,
  user,
  useWorkflowsApp,
} from './workflows.test-helpers.js';

/** Create, read, list, update and delete of /api/v1/workflows; authentication, ownership and bad bodies. */
useWorkflowsApp();

describe('POST /api/v1/workflows', () => {
  it('answers 201 with the workflow, its webhook paths and no secret; GET shows the same', async () => {
    const response = await request('POST', '', user, exampleWorkflow);

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      ...exampleWorkflow,
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      version: 1,
      owner_id: user.id,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
      webhook: {
        url_by_id: `/api/v1/webhooks/${body.id}`,
        url_by_name: `/api/v1/webhooks/by-name/${user.id}/Answer%20bot`,
      },
    });
    const secret = service.webhookSecret(await service.require({ userId: user.id, role: 'user' }, body.id));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body).not.toContain(secret);
    const read = await request('GET', `/${body.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
  });

  it('fills description, environment and node config defaults, and trims the name', async () => {
    const graph = { nodes: [{ id: 'start', type: 'start' }], edges: [] };

    const response = await request('POST', '', user, { name: '  Minimal  ', graph });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Minimal',
      description: '',
      environment: {},
      graph: { nodes: [{ id: 'start', type: 'start', config: {} }], edges: [] },
    });
  });

  it('saves a draft whose graph breaks the rules (cycle, dangling edge, unknown type): that is for /validate', async () => {
    const graph = {
      nodes: [
        { id: 'a', type: 'mystery' },
        { id: 'b', type: 'end' },
      ],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
        { source: 'b', target: 'nowhere' },
      ],
    };

    const response = await request('POST', '', user, { name: 'Draft', graph });

    expect(response.statusCode).toBe(201);
    expect(response.json().graph.edges).toHaveLength(3);
  });

  it('refuses a name the owner already uses with 409 WORKFLOW_NAME_TAKEN; another user may use it', async () => {
    await createWorkflow();
    const stranger = await createUser(testApp);

    const duplicate = await request('POST', '', user, { ...exampleWorkflow, name: ` ${exampleWorkflow.name} ` });
    const theirs = await request('POST', '', stranger, exampleWorkflow);

    expect(expectError(duplicate, 409, 'WORKFLOW_NAME_TAKEN').details).toEqual({ name: exampleWorkflow.name });
    expect(theirs.statusCode).toBe(201);
    expect((await request('GET', '')).json().total).toBe(1);
  });

  it.each([
    ['a node id that is not an identifier', { nodes: [{ id: 'bad id', type: 'start' }], edges: [] }, 'body.graph.nodes.0.id'],
    ['a node without a type', { nodes: [{ id: 'start' }], edges: [] }, 'body.graph.nodes.0.type'],
    ['an unknown node field', { nodes: [{ id: 'start', type: 'start', colour: 'red' }], edges: [] }, 'body.graph.nodes.0'],
    ['an edge without a target', { nodes: [], edges: [{ source: 'start' }] }, 'body.graph.edges.0.target'],
    ['an edge with an unknown field', { nodes: [], edges: [{ source: 'a', target: 'b', weight: 2 }] }, 'body.graph.edges.0'],
    ['edges that are not a list', { nodes: [], edges: { source: 'a' } }, 'body.graph.edges'],
    ['an unknown graph field', { nodes: [], edges: [], viewport: {} }, 'body.graph'],
  ])('answers 422 for %s', async (_case, graph, field) => {
    expectValidationError(await request('POST', '', user, { name: 'Bad', graph }), field);
  });

  it.each([
    ['an unknown field', { ...exampleWorkflow, status: 'draft' }, 'body'],
    ['no graph', { name: 'No graph' }, 'body.graph'],
    ['an empty name', { ...exampleWorkflow, name: '   ' }, 'body.name'],
    ['an environment name that is not an identifier', { ...exampleWorkflow, environment: { 'API-KEY': 'x' } }, 'body.environment.API-KEY'],
    ['an environment value that is not a string', { ...exampleWorkflow, environment: { LIMIT: 3 } }, 'body.environment.LIMIT'],
  ])('answers 422 for %s', async (_case, payload, field) => {
    expectValidationError(await request('POST', '', user, payload), field);
    expect((await request('GET', '')).json().total).toBe(0);
  });
});

describe('GET /api/v1/workflows', () => {
  it('pages through the caller\'s workflows, most recently updated first, with the total', async () => {
    for (const name of ['First', 'Second', 'Third']) {
      await createWorkflow({ name });
      testApp.clock.advance(1000);
    }
    await createWorkflow({ name: 'Not mine' }, await createUser(testApp));

    const first = await request('GET', '?page=1&page_size=2');
    const second = await request('GET', '?page=2&page_size=2');

    expect(first.json()).toMatchObject({ total: 3, page: 1, page_size: 2 });
    expect(first.json().items.map((item: { name: string }) => item.name)).toEqual(['Third', 'Second']);
    expect(second.json().items.map((item: { name: string }) => item.name)).toEqual(['First']);
  });

  it('searches name and description, case-insensitively and with % taken literally', async () => {
    await createWorkflow({ name: 'Invoice parser', description: 'Reads PDFs' });
    await createWorkflow({ name: 'Mailer', description: 'Sends the weekly INVOICE digest' });
    await createWorkflow({ name: 'Other', description: '100% unrelated' });

    const byWord = await request('GET', '?search=invoice');
    const byPercent = await request('GET', `?search=${encodeURIComponent('%')}`);

    expect(byWord.json().items.map((item: { name: string }) => item.name).sort()).toEqual(['Invoice parser', 'Mailer']);
    expect(byPercent.json().items.map((item: { name: string }) => item.name)).toEqual(['Other']);
  });

  it('answers 422 for a page size over 100', async () => {
    expectValidationError(await request('GET', '?page_size=101'), 'querystring.page_size');
  });
});

describe('PUT /api/v1/workflows/{id}', () => {
  it('changes only the fields given and adds a version', async () => {
    const created = await createWorkflow();
    testApp.clock.advance(60_000);

    const response = await request('PUT', `/${created.id}`, user, { description: 'Now with more care' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...created,
      description: 'Now with more care',
      version: 2,
      updated_at: '2026-01-01T00:01:00.000Z',
    });
    expect((await request('GET', `/${created.id}/versions`)).json().items[0]).toEqual({
      version: 2,
      note: 'update',
      created_at: '2026-01-01T00:01:00.000Z',
    });
  });

  it('replaces the graph and environment, and renames with the webhook path following', async () => {
    const created = await createWorkflow();
    const graph = { nodes: [simpleGraph.nodes[0]], edges: [] };

    const response = await request('PUT', `/${created.id}`, user, { name: 'Renamed', graph, environment: {} });

    expect(response.json()).toMatchObject({ name: 'Renamed', graph, environment: {}, version: 2 });
    expect(response.json().webhook.url_by_name).toBe(`/api/v1/webhooks/by-name/${user.id}/Renamed`);
  });

  it('refuses a name another of the owner\'s workflows has (409), but keeping its own name is fine', async () => {
    const first = await createWorkflow({ name: 'First' });
    await createWorkflow({ name: 'Second' });

    const clash = await request('PUT', `/${first.id}`, user, { name: 'Second' });
    const same = await request('PUT', `/${first.id}`, user, { name: 'First' });

    expectError(clash, 409, 'WORKFLOW_NAME_TAKEN');
    expect(same.json()).toMatchObject({ name: 'First', version: 2 });
  });

  it.each([
    ['an empty body', {}, 'body'],
    ['an unknown field', { version: 7 }, 'body'],
    ['a bad node id', { graph: { nodes: [{ id: '9lives', type: 'start' }], edges: [] } }, 'body.graph.nodes.0.id'],
  ])('answers 422 for %s and changes nothing', async (_case, payload, field) => {
    const created = await createWorkflow();

    expectValidationError(await request('PUT', `/${created.id}`, user, payload), field);
    expect((await request('GET', `/${created.id}`)).json()).toEqual(created);
  });
});

describe('DELETE /api/v1/workflows/{id}', () => {
  it('answers 204, and the workflow and its versions are gone', async () => {
    const created = await createWorkflow();

    const response = await request('DELETE', `/${created.id}`);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expectError(await request('GET', `/${created.id}`), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await request('GET', `/${created.id}/versions/1`), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await request('DELETE', `/${created.id}`), 404, 'WORKFLOW_NOT_FOUND');
  });
});

/** Every route with a workflow id, as [method, path after the id, body]. */
const idRoutes: Array<['GET' | 'POST' | 'PUT' | 'DELETE', string, object | undefined]> = [
  ['GET', '', undefined],
  ['PUT', '', { description: 'mine now' }],
  ['DELETE', '', undefined],
  ['GET', '/export', undefined],
  ['GET', '/versions', undefined],
  ['GET', '/versions/1', undefined],
  ['POST', '/versions/1/rollback', undefined],
  ['GET', '/webhook-secret', undefined],
  ['POST', '/webhook-secret/rotate', undefined],
];

describe('authentication and ownership', () => {
  it.each([
    ['GET', '/'],
    ['POST', '/'],
    ['POST', '/validate'],
    ['POST', '/import'],
    ...idRoutes.map(([method, path]) => [method, `/{id}${path}`]),
  ])('answers 401 to %s /workflows%s without a token', async (method, path) => {
    const url = path.replace('{id}', missingId).replace(/^\/$/, '');
    const response = await request(method as 'GET', url, null, method === 'POST' || method === 'PUT' ? {} : undefined);

    expectError(response, 401, 'AUTH_REQUIRED');
  });

  it.each(idRoutes)("answers 404 to %s /workflows/{id}%s on another user's workflow, and leaves it unchanged", async (method, path, payload) => {
    const stranger = await createUser(testApp);
    const theirs = await createWorkflow({}, stranger);
    const secret = (await request('GET', `/${theirs.id}/webhook-secret`, stranger)).json().secret;

    const response = await request(method, `/${theirs.id}${path}`, user, payload);

    expectError(response, 404, 'WORKFLOW_NOT_FOUND');
    expect((await request('GET', `/${theirs.id}`, stranger)).json()).toEqual(theirs);
    expect((await request('GET', `/${theirs.id}/webhook-secret`, stranger)).json().secret).toBe(secret);
  });

  it.each(idRoutes)('answers 404 to %s /workflows/{id}%s on a workflow that does not exist', async (method, path, payload) => {
    expectError(await request(method, `/${missingId}${path}`, user, payload), 404, 'WORKFLOW_NOT_FOUND');
  });

  it('answers 422 for an id that is not a UUID', async () => {
    expectValidationError(await request('GET', '/not-a-uuid'), 'params.workflow_id');
  });
});

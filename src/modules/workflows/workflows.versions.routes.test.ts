import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import {
  createWorkflow,
  exampleWorkflow,
  expectError,
  expectValidationError,
  request,
  testApp,
  user,
  useWorkflowsApp,
} from './workflows.test-helpers.js';
import type { WorkflowResponse } from './workflows.schemas.js';

/** Version history, rollback, and export/import of /api/v1/workflows. */
useWorkflowsApp();

/** The editable content of a workflow as the API shows it. */
function definitionOf(workflow: WorkflowResponse) {
  return { name: workflow.name, description: workflow.description, graph: workflow.graph, environment: workflow.environment };
}

/** Creates the example workflow, then updates its description to "v2", "v3" ... one minute apart. */
async function workflowWithVersions(count: number): Promise<WorkflowResponse> {
  let workflow = await createWorkflow();
  for (let version = 2; version <= count; version++) {
    testApp.clock.advance(60_000);
    workflow = (await request('PUT', `/${workflow.id}`, user, { description: `v${version}` })).json();
  }
  return workflow;
}

describe('GET /api/v1/workflows/{id}/versions', () => {
  it('lists the versions newest first with their notes, paged', async () => {
    const workflow = await workflowWithVersions(3);

    const all = await request('GET', `/${workflow.id}/versions`);
    const lastPage = await request('GET', `/${workflow.id}/versions?page=2&page_size=2`);

    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({
      items: [
        { version: 3, note: 'update', created_at: '2026-01-01T00:02:00.000Z' },
        { version: 2, note: 'update', created_at: '2026-01-01T00:01:00.000Z' },
        { version: 1, note: 'create', created_at: '2026-01-01T00:00:00.000Z' },
      ],
      total: 3,
      page: 1,
      page_size: 20,
    });
    expect(lastPage.json()).toEqual({ items: [all.json().items[2]], total: 3, page: 2, page_size: 2 });
  });
});

describe('GET /api/v1/workflows/{id}/versions/{version}', () => {
  it('shows the full definition of an old version', async () => {
    const original = await createWorkflow();
    testApp.clock.advance(60_000);
    await request('PUT', `/${original.id}`, user, { name: 'Renamed', graph: { nodes: [], edges: [] }, environment: {} });

    const response = await request('GET', `/${original.id}/versions/1`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      version: 1,
      note: 'create',
      created_at: '2026-01-01T00:00:00.000Z',
      definition: definitionOf(original),
    });
  });

  it('answers 404 WORKFLOW_VERSION_NOT_FOUND for a version the workflow never had', async () => {
    const workflow = await workflowWithVersions(2);

    const response = await request('GET', `/${workflow.id}/versions/3`);

    expect(expectError(response, 404, 'WORKFLOW_VERSION_NOT_FOUND').details).toEqual({ id: workflow.id, version: 3 });
  });

  it.each(['0', '-1', '1.5', 'latest', '99999999'])('answers 422 for the version number "%s"', async (version) => {
    const workflow = await createWorkflow();

    expectValidationError(await request('GET', `/${workflow.id}/versions/${version}`), 'params.version');
    expectValidationError(await request('POST', `/${workflow.id}/versions/${version}/rollback`), 'params.version');
  });
});

describe('POST /api/v1/workflows/{id}/versions/{version}/rollback', () => {
  it('stores the old version again as a new version and answers the workflow', async () => {
    const original = await createWorkflow();
    testApp.clock.advance(60_000);
    await request('PUT', `/${original.id}`, user, { name: 'Changed', graph: { nodes: [], edges: [] }, environment: { X: '1' } });
    testApp.clock.advance(60_000);

    const response = await request('POST', `/${original.id}/versions/1/rollback`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...original, version: 3, updated_at: '2026-01-01T00:02:00.000Z' });
    const versions = (await request('GET', `/${original.id}/versions`)).json();
    expect(versions.items.map((item: { version: number; note: string }) => [item.version, item.note])).toEqual([
      [3, 'rollback to v1'],
      [2, 'update'],
      [1, 'create'],
    ]);
    expect((await request('GET', `/${original.id}/versions/3`)).json().definition).toEqual(definitionOf(original));
  });

  it('numbers on after a rollback: the next update is the version after it', async () => {
    const workflow = await workflowWithVersions(3);
    await request('POST', `/${workflow.id}/versions/2/rollback`);

    const updated = await request('PUT', `/${workflow.id}`, user, { description: 'after' });

    expect(updated.json()).toMatchObject({ version: 5, description: 'after' });
    expect((await request('GET', `/${workflow.id}/versions/4`)).json()).toMatchObject({
      note: 'rollback to v2',
      definition: { description: 'v2' },
    });
  });

  it('answers 409 when the old name now belongs to another workflow, and adds no version', async () => {
    const workflow = await createWorkflow({ name: 'Alpha' });
    await request('PUT', `/${workflow.id}`, user, { name: 'Beta' });
    await createWorkflow({ name: 'Alpha' });

    expectError(await request('POST', `/${workflow.id}/versions/1/rollback`), 409, 'WORKFLOW_NAME_TAKEN');
    expect((await request('GET', `/${workflow.id}/versions`)).json().total).toBe(2);
  });

  it('answers 404 WORKFLOW_VERSION_NOT_FOUND for a version the workflow never had', async () => {
    const workflow = await createWorkflow();

    expectError(await request('POST', `/${workflow.id}/versions/2/rollback`), 404, 'WORKFLOW_VERSION_NOT_FOUND');
    expect((await request('GET', `/${workflow.id}`)).json().version).toBe(1);
  });
});

describe('export and import', () => {
  it('exports the definition without ids, owner or secret', async () => {
    const workflow = await createWorkflow();
    const secret = (await request('GET', `/${workflow.id}/webhook-secret`)).json().secret;

    const response = await request('GET', `/${workflow.id}/export`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      format: 'tiangong.workflow',
      format_version: 1,
      exported_at: '2026-01-01T00:00:00.000Z',
      workflow: exampleWorkflow,
    });
    expect(response.body).not.toContain(workflow.id);
    expect(response.body).not.toContain(user.id);
    expect(response.body).not.toContain(secret);
  });

  it('round-trips: the import is a new workflow at version 1 with the same definition and its own secret', async () => {
    const original = await createWorkflow();
    const document = (await request('GET', `/${original.id}/export`)).json();
    const stranger = await createUser(testApp);

    const imported = await request('POST', '/import', stranger, document);

    expect(imported.statusCode).toBe(201);
    const copy = imported.json();
    expect(copy).toMatchObject({ ...definitionOf(original), version: 1, owner_id: stranger.id });
    expect(copy.id).not.toBe(original.id);
    expect((await request('GET', `/${copy.id}/versions`, stranger)).json().items).toEqual([
      { version: 1, note: 'import', created_at: '2026-01-01T00:00:00.000Z' },
    ]);
    const secretOf = async (id: string, owner = user) => (await request('GET', `/${id}/webhook-secret`, owner)).json().secret;
    expect(await secretOf(copy.id, stranger)).not.toBe(await secretOf(original.id));
  });

  it('appends " (2)", " (3)" ... to a name the importer already uses', async () => {
    const original = await createWorkflow();
    const document = (await request('GET', `/${original.id}/export`)).json();

    const second = await request('POST', '/import', user, document);
    const third = await request('POST', '/import', user, document);

    expect(second.json().name).toBe('Answer bot (2)');
    expect(third.json().name).toBe('Answer bot (3)');
    expect((await request('GET', '')).json().total).toBe(3);
  });

  it('fills description and environment when the document leaves them out', async () => {
    const document = { format: 'tiangong.workflow', format_version: 1, workflow: { name: 'Bare', graph: { nodes: [], edges: [] } } };

    const response = await request('POST', '/import', user, document);

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'Bare', description: '', environment: {}, version: 1 });
  });

  it.each([
    ['an unknown format', { format: 'tiangong.agent' }, 'body.format'],
    ['an unknown format version', { format_version: 2 }, 'body.format_version'],
    ['an unknown field', { id: '0190a000-0000-7000-8000-00000000beef' }, 'body'],
    ['a workflow with an id', { workflow: { ...exampleWorkflow, id: 'x' } }, 'body.workflow'],
    ['a bad node id', { workflow: { ...exampleWorkflow, graph: { nodes: [{ id: 'a b', type: 'end' }], edges: [] } } }, 'body.workflow.graph.nodes.0.id'],
  ])('answers 422 for %s, creating nothing', async (_case, change, field) => {
    const document = { format: 'tiangong.workflow', format_version: 1, workflow: exampleWorkflow, ...change };

    expectValidationError(await request('POST', '/import', user, document), field);
    expect((await request('GET', '')).json().total).toBe(0);
  });
});

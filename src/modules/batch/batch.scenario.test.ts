import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/** Batch: many executions with bounded concurrency, bundles of exports, deletions of what is yours. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

//   start (n) -> wait (delay) -> echo (template) -> end
async function slowEcho(owner = user) {
  const workflow = await testApp.container.services.workflows.create({ userId: owner.id, role: 'user' }, {
    name: `echo-${randomUUID().slice(0, 8)}`,
    description: '',
    graph: {
      nodes: [
        { id: 'start', type: 'start', config: { inputs: [{ name: 'n', type: 'number', required: true }] } },
        { id: 'wait', type: 'delay', config: { ms: 60 } },
        { id: 'echo', type: 'template', config: { template: 'n={{start.input.n}}' } },
        { id: 'end', type: 'end', config: { outputs: { text: '{{echo.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'wait' },
        { source: 'wait', target: 'echo' },
        { source: 'echo', target: 'end' },
      ],
    },
    environment: {},
  } as never);
  return workflow.id;
}

function post(url: string, payload: object, owner = user) {
  return testApp.app.inject({ method: 'POST', url, headers: owner.headers, payload });
}

async function ended(id: string) {
  for (let attempt = 0; attempt < 600; attempt++) {
    const execution = (await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: user.headers })).json();
    if (!['pending', 'running'].includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`execution ${id} did not end`);
}

/** The most executions whose node steps overlapped in time. */
function mostAtOnce(executions: Array<{ steps: Array<{ started_at: string; finished_at: string }> }>) {
  const spans = executions.map(({ steps }) => [Math.min(...steps.map((step) => Date.parse(step.started_at))), Math.max(...steps.map((step) => Date.parse(step.finished_at)))]);
  return Math.max(...spans.map(([start]) => spans.filter(([from, to]) => from! <= start! && start! < to!).length));
}

describe('batch', () => {
  it('executes one workflow per input, no more than `concurrency` at once, in input order', async () => {
    const workflowId = await slowEcho();

    const response = await post('/api/v1/batch/execute', { workflow_id: workflowId, inputs: [1, 2, 3, 4, 5, 6].map((n) => ({ n })), concurrency: 2 });

    expect(response.statusCode).toBe(202);
    const batch = response.json();
    expect(batch).toMatchObject({ workflow_id: workflowId, total: 6, concurrency: 2 });
    const executions = [];
    for (const id of batch.execution_ids) executions.push(await ended(id));
    expect(executions.map((execution) => `${execution.status}:${execution.output.text}:${execution.trigger}`)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `succeeded:n=${n}:batch`),
    );
    expect(mostAtOnce(executions)).toBeLessThanOrEqual(2);
  });

  it('starts nothing when one input is bad, and refuses bad bodies and other users workflows', async () => {
    const workflowId = await slowEcho();
    const stranger = await createUser(testApp);
    const runsBefore = (await testApp.app.inject({ method: 'GET', url: '/api/v1/runs', headers: user.headers })).json().total;

    const oneBad = await post('/api/v1/batch/execute', { workflow_id: workflowId, inputs: [{ n: 1 }, { n: 'two' }, {}] });
    const empty = await post('/api/v1/batch/execute', { workflow_id: workflowId, inputs: [] });
    const tooMany = await post('/api/v1/batch/execute', { workflow_id: workflowId, inputs: Array.from({ length: 1001 }, () => ({ n: 1 })) });
    const badConcurrency = await post('/api/v1/batch/execute', { workflow_id: workflowId, inputs: [{ n: 1 }], concurrency: 0 });
    const foreign = await post('/api/v1/batch/execute', { workflow_id: workflowId, inputs: [{ n: 1 }] }, stranger);
    const unauthenticated = await testApp.app.inject({ method: 'POST', url: '/api/v1/batch/execute', payload: { workflow_id: workflowId, inputs: [{ n: 1 }] } });

    expect(oneBad.statusCode).toBe(422);
    expect(oneBad.json().details.fields.map((field: { field: string }) => field.field)).toEqual(['body.inputs.1', 'body.inputs.2']);
    expect([empty.statusCode, tooMany.statusCode, badConcurrency.statusCode]).toEqual([422, 422, 422]);
    expect(foreign.statusCode).toBe(404);
    expect(unauthenticated.statusCode).toBe(401);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/v1/runs', headers: user.headers })).json().total).toBe(runsBefore);
  });

  it('exports and deletes many workflows or agents, listing ids that are not yours', async () => {
    const [first, second] = [await slowEcho(), await slowEcho()];
    const stranger = await createUser(testApp);
    const foreign = await slowEcho(stranger);
    const agent = await createAgent(testApp, user, { name: 'Batch agent' });

    const bundle = await post('/api/v1/batch/export', { resource: 'workflows', ids: [first, foreign, second] });
    const agents = await post('/api/v1/batch/export', { resource: 'agents', ids: [agent.id] });
    const deleted = await post('/api/v1/batch/delete', { resource: 'workflows', ids: [first, foreign] });
    const repeated = await post('/api/v1/batch/delete', { resource: 'workflows', ids: [second, second] });
    const unknownResource = await post('/api/v1/batch/delete', { resource: 'users', ids: [second] });

    expect(bundle.statusCode).toBe(200);
    expect(bundle.json()).toMatchObject({ format: 'tiangong.bundle', resource: 'workflows', not_found: [foreign] });
    expect(bundle.json().items.map((item: { format: string }) => item.format)).toEqual(['tiangong.workflow', 'tiangong.workflow']);
    expect(agents.json().items[0]).toMatchObject({ format: 'tiangong.agent', agent: { name: 'Batch agent' } });
    expect(deleted.json()).toEqual({ resource: 'workflows', deleted: [first], not_found: [foreign] });
    expect((await testApp.app.inject({ method: 'GET', url: `/api/v1/workflows/${first}`, headers: user.headers })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/v1/workflows/${foreign}`, headers: stranger.headers })).statusCode).toBe(200);
    expect([repeated.statusCode, unknownResource.statusCode]).toEqual([422, 422]);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/v1/workflows/${second}`, headers: user.headers })).statusCode).toBe(200);
  });
});

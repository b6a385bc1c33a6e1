import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/** Queued executions, and cancelling executions nobody is running: pending, paused, waiting. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

async function createWorkflow(nodes: Array<{ id: string; type: string; config?: object }>) {
  const edges = nodes.slice(1).map((node, index) => ({ source: nodes[index]!.id, target: node.id }));
  const workflow = await testApp.container.services.workflows.create({ userId: user.id, role: 'user' }, {
    name: `queue-${randomUUID().slice(0, 8)}`,
    description: '',
    graph: { nodes: nodes.map((node) => ({ config: {}, ...node })), edges },
    environment: {},
  } as never);
  return workflow.id;
}

const request = (method: 'GET' | 'POST', url: string, payload?: object) =>
  testApp.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

async function waitForStatus(id: string, statuses: string[]) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const execution = (await request('GET', `/api/v1/executions/${id}`)).json();
    if (statuses.includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`execution ${id} never reached ${statuses.join('/')}`);
}

const slow = [
  { id: 'start', type: 'start' },
  { id: 'wait', type: 'delay', config: { ms: 400 } },
  { id: 'end', type: 'end', config: { outputs: { ok: 'yes' } } },
];

describe('queued and resumable executions', () => {
  it('cancels an execution that waits for an approval or is paused: it ends cancelled and cannot be resumed', async () => {
    const approval = await createWorkflow([
      { id: 'start', type: 'start' },
      { id: 'ask', type: 'human_approval', config: { title: 'Go?' } },
      { id: 'end', type: 'end', config: { outputs: {} } },
    ]);
    const waiting = (await request('POST', `/api/v1/workflows/${approval}/execute`, {})).json();
    const paused = (await request('POST', `/api/v1/workflows/${await createWorkflow(slow)}/execute`, { mode: 'async' })).json();
    await waitForStatus(paused.id, ['running']);
    await request('POST', `/api/v1/executions/${paused.id}/pause`);
    await waitForStatus(paused.id, ['paused']);

    const cancelledWaiting = await request('POST', `/api/v1/executions/${waiting.id}/cancel`);
    const cancelledPaused = await request('POST', `/api/v1/executions/${paused.id}/cancel`);
    const resumeAfter = await request('POST', `/api/v1/executions/${waiting.id}/resume`, { decision: 'approved' });
    const cancelAgain = await request('POST', `/api/v1/executions/${paused.id}/cancel`);
    const events = await request('GET', `/api/v1/runs/${waiting.id}/events`);

    expect(waiting.status).toBe('waiting_approval');
    expect(cancelledWaiting.json()).toMatchObject({ status: 'cancelled', waiting: null, error: { code: 'RUN_CANCELLED' } });
    expect(cancelledWaiting.json().finished_at).not.toBeNull();
    expect(cancelledPaused.json()).toMatchObject({ status: 'cancelled' });
    expect(resumeAfter.statusCode).toBe(409);
    expect(cancelAgain.statusCode).toBe(409);
    expect(events.body).toContain('event: error');
  });

  it('runs a batch one at a time: a queued execution is pending, and cancelling it means it never runs', async () => {
    const workflowId = await createWorkflow(slow);
    const batch = (await request('POST', '/api/v1/batch/execute', { workflow_id: workflowId, inputs: [{}, {}], concurrency: 1 })).json();
    const [first, second] = batch.execution_ids as [string, string];
    await waitForStatus(first, ['running']);

    const queued = (await request('GET', `/api/v1/executions/${second}`)).json();
    const cancelled = await request('POST', `/api/v1/executions/${second}/cancel`);
    await waitForStatus(first, ['succeeded']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = (await request('GET', `/api/v1/executions/${second}`)).json();

    expect(queued).toMatchObject({ status: 'pending', steps: [] });
    expect(cancelled.json().status).toBe('cancelled');
    expect(after).toMatchObject({ status: 'cancelled', steps: [] });
  });

  it('fails a queued run whose workflow was deleted before it could start', async () => {
    const workflowId = await createWorkflow(slow);
    const batch = (await request('POST', '/api/v1/batch/execute', { workflow_id: workflowId, inputs: [{}, {}], concurrency: 1 })).json();
    await waitForStatus(batch.execution_ids[0], ['running']);

    await testApp.app.inject({ method: 'DELETE', url: `/api/v1/workflows/${workflowId}`, headers: user.headers });

    let run = (await request('GET', `/api/v1/runs/${batch.execution_ids[1]}`)).json();
    for (let attempt = 0; attempt < 300 && run.status === 'pending'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      run = (await request('GET', `/api/v1/runs/${batch.execution_ids[1]}`)).json();
    }
    expect(run).toMatchObject({ status: 'failed', error: { code: 'WORKFLOW_DELETED' } });
  });
});

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { workflowSteps } from '../../platform/db/schema/index.js';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { startUpstream, type Upstream } from '../../test-kit/http-upstream.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/**
 * When steps reach the database (docs/adr/0004-step-write-behind.md): pure nodes' steps may be
 * written after later nodes started, but a node with effects starts only once every earlier step
 * is stored, so a crash during its effect never makes an earlier node with effects run again.
 */
let testApp: TestApp;
let user: TestUser;
let upstream: Upstream | undefined;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

const request = (method: 'GET' | 'POST', url: string, payload?: object) => testApp.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

async function createWorkflow(graph: object): Promise<string> {
  const response = await request('POST', '/api/v1/workflows', { name: `durable-${randomUUID().slice(0, 8)}`, graph });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
}

describe('steps and nodes with effects', () => {
  //   start -> first (template) -> second (template) -> call (http, effects) -> after (template) -> call_again (http) -> end
  it('starts each node with effects only after every earlier step is stored, and stores every step by the end', async () => {
    // What the database held when each request reached the upstream: the "effect" sees the steps.
    const seen: string[][] = [];
    upstream = await startUpstream(async (_request, response) => {
      const rows = await testApp.container.database.db.select({ nodeId: workflowSteps.nodeId }).from(workflowSteps);
      seen.push(rows.map((row) => row.nodeId).sort());
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const url = `http://127.0.0.1:${upstream.port}/hook`;
    const workflowId = await createWorkflow({
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'first', type: 'template', config: { template: 'one' } },
        { id: 'second', type: 'template', config: { template: '{{first.output.text}} two' } },
        { id: 'call', type: 'http', config: { url, method: 'POST', body: { text: '{{second.output.text}}' } } },
        { id: 'after', type: 'template', config: { template: 'status {{call.output.status}}' } },
        { id: 'call_again', type: 'http', config: { url } },
        { id: 'end', type: 'end', config: { outputs: { result: '{{after.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'first' },
        { source: 'first', target: 'second' },
        { source: 'second', target: 'call' },
        { source: 'call', target: 'after' },
        { source: 'after', target: 'call_again' },
        { source: 'call_again', target: 'end' },
      ],
    });

    const response = await request('POST', `/api/v1/workflows/${workflowId}/execute`, { input: {}, mode: 'sync' });

    expect(response.statusCode).toBe(200);
    const execution = response.json();
    expect(execution).toMatchObject({ status: 'succeeded', output: { result: 'status 200' } });
    expect(seen).toEqual([
      ['first', 'second', 'start'],
      ['after', 'call', 'first', 'second', 'start'],
    ]);
    const stored = await testApp.container.database.db.select({ nodeId: workflowSteps.nodeId }).from(workflowSteps).where(eq(workflowSteps.runId, execution.id));
    expect(stored.map((row) => row.nodeId).sort()).toEqual(['after', 'call', 'call_again', 'end', 'first', 'second', 'start']);
    // Every node's two events are in the log, numbered without a gap, the closing `done` last.
    const events = await testApp.app.inject({ method: 'GET', url: `/api/v1/runs/${execution.id}/events`, headers: user.headers });
    const ids = [...events.body.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual(Array.from({ length: 16 }, (_, index) => index + 1));
    expect(events.body.match(/^event: (\w+)$/gm)?.at(-1)).toBe('event: done');
  });

  //   start -> note (template) -> end, queued (async): its steps go with the run's outcome
  it('stores a queued execution of pure nodes with its steps, events and outcome', async () => {
    const workflowId = await createWorkflow({
      nodes: [
        { id: 'start', type: 'start', config: { inputs: [{ name: 'who', required: true }] } },
        { id: 'note', type: 'template', config: { template: 'hi {{start.input.who}}' } },
        { id: 'end', type: 'end', config: { outputs: { text: '{{note.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'note' },
        { source: 'note', target: 'end' },
      ],
    });

    const queued = await request('POST', `/api/v1/workflows/${workflowId}/execute`, { input: { who: 'Ada' }, mode: 'async' });
    expect(queued.statusCode).toBe(202);
    const id = queued.json().id as string;
    let execution = (await request('GET', `/api/v1/executions/${id}`)).json();
    for (let attempt = 0; attempt < 200 && ['pending', 'running'].includes(execution.status); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      execution = (await request('GET', `/api/v1/executions/${id}`)).json();
    }

    expect(execution).toMatchObject({ status: 'succeeded', output: { text: 'hi Ada' } });
    expect(execution.steps.map((step: { node_id: string; status: string }) => `${step.node_id}:${step.status}`).sort()).toEqual(['end:succeeded', 'note:succeeded', 'start:succeeded']);
  });
});

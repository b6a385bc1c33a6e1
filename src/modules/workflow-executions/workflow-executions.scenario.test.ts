import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** Executions through the HTTP API: sync, streamed, waiting for approval, paused, cancelled, isolated. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

type Node = { id: string; type: string; config?: Record<string, unknown> };

async function createWorkflow(nodes: Node[], edges: Array<[string, string, string?]>, owner = user) {
  const graph = {
    nodes: nodes.map((node) => ({ config: {}, ...node })),
    edges: edges.map(([source, target, handle]) => ({ source, target, ...(handle ? { source_handle: handle } : {}) })),
  };
  const workflow = await testApp.container.services.workflows.create({ userId: owner.id, role: 'user' }, {
    name: `wf-${randomUUID().slice(0, 8)}`,
    description: '',
    graph,
    environment: { GREETING: 'Hello' },
  } as never);
  return workflow.id;
}

function post(url: string, payload: object, owner = user) {
  return testApp.app.inject({ method: 'POST', url, headers: owner.headers, payload });
}

async function waitForStatus(id: string, statuses: string[], owner = user) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const execution = (await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: owner.headers })).json();
    if (statuses.includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`execution ${id} never reached ${statuses.join('/')}`);
}

async function waitForStep(id: string, nodeId: string) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const execution = (await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: user.headers })).json();
    if (execution.steps.some((step: { node_id: string }) => step.node_id === nodeId)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`execution ${id} never stored a step of ${nodeId}`);
}

//   start -> greet (template) -> end
const greeting: [Node[], Array<[string, string]>] = [
  [
    { id: 'start', type: 'start', config: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'greet', type: 'template', config: { template: '{{env.GREETING}}, {{start.input.name}}!' } },
    { id: 'end', type: 'end', config: { outputs: { message: '{{greet.output.text}}' } } },
  ],
  [['start', 'greet'], ['greet', 'end']],
];

describe('workflow executions', () => {
  it('runs synchronously and records a step per node', async () => {
    const workflowId = await createWorkflow(...greeting);

    const response = await post(`/api/v1/workflows/${workflowId}/execute`, { input: { name: 'Ada' } });

    expect(response.statusCode).toBe(200);
    const execution = response.json();
    expect(execution).toMatchObject({ status: 'succeeded', output: { message: 'Hello, Ada!' }, workflow_version: 1, trigger: 'api' });
    expect(execution.steps.map((step: { node_id: string; status: string }) => `${step.node_id}:${step.status}`)).toEqual([
      'start:succeeded',
      'greet:succeeded',
      'end:succeeded',
    ]);
  });

  it('streams node events and the output', async () => {
    const workflowId = await createWorkflow(...greeting);

    const response = await post('/api/v1/executions', { workflow_id: workflowId, input: { name: 'Lin' }, mode: 'stream' });

    const events = parseEventStream(response.body);
    expect(events.map((event) => event.event)).toEqual([
      'workflow_started',
      'node_started',
      'node_finished',
      'node_started',
      'node_finished',
      'node_started',
      'node_finished',
      'done',
    ]);
    expect(events.at(-1)!.data).toMatchObject({ status: 'succeeded', output: { message: 'Hello, Lin!' } });
  });

  it('calls the model of an llm node with the resolved prompt', async () => {
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl });
    server.enqueue({ text: 'A short poem.' });
    const workflowId = await createWorkflow(
      [
        { id: 'start', type: 'start' },
        { id: 'write', type: 'llm', config: { model_config_id: model.id, prompt: 'Write about {{start.input.topic}}' } },
        { id: 'end', type: 'end', config: { outputs: { poem: '{{write.output.text}}' } } },
      ],
      [['start', 'write'], ['write', 'end']],
    );

    const execution = (await post(`/api/v1/workflows/${workflowId}/execute`, { input: { topic: 'rivers' } })).json();

    expect(execution.output).toEqual({ poem: 'A short poem.' });
    expect(server.requests[0]!.body!.messages!.at(-1)).toMatchObject({ role: 'user', content: 'Write about rivers' });
    expect(execution.token_usage.total_tokens).toBeGreaterThan(0);
  });

  //   start -> before -> ask -(approved)-> yes -> end_yes
  //                          \-(rejected)-> no  -> end_no
  it('waits for an approval, refuses to resume without a decision, then follows the decision', async () => {
    const workflowId = await createWorkflow(
      [
        { id: 'start', type: 'start' },
        { id: 'before', type: 'template', config: { template: 'prepared' } },
        { id: 'ask', type: 'human_approval', config: { title: 'Publish?' } },
        { id: 'yes', type: 'template', config: { template: 'published' } },
        { id: 'no', type: 'template', config: { template: 'dropped' } },
        { id: 'end_yes', type: 'end', config: { outputs: { result: '{{yes.output.text}}' } } },
        { id: 'end_no', type: 'end', config: { outputs: { result: '{{no.output.text}}' } } },
      ],
      [['start', 'before'], ['before', 'ask'], ['ask', 'yes', 'approved'], ['ask', 'no', 'rejected'], ['yes', 'end_yes'], ['no', 'end_no']],
    );

    const waiting = (await post(`/api/v1/workflows/${workflowId}/execute`, { input: {} })).json();
    const undecided = await post(`/api/v1/executions/${waiting.id}/resume`, {});
    const resumed = await post(`/api/v1/executions/${waiting.id}/resume`, { decision: 'rejected', comment: 'not now' });
    const done = await waitForStatus(waiting.id, ['succeeded', 'failed']);

    expect(waiting).toMatchObject({ status: 'waiting_approval', waiting: { node_id: 'ask', request: { title: 'Publish?' } } });
    expect(undecided.statusCode).toBe(422);
    expect(resumed.statusCode).toBe(202);
    expect(done).toMatchObject({ status: 'succeeded', output: { result: 'dropped' }, waiting: null });
    const before = done.steps.find((step: { node_id: string }) => step.node_id === 'before');
    const originalBefore = waiting.steps.find((step: { node_id: string }) => step.node_id === 'before');
    expect(before.started_at).toBe(originalBefore.started_at);
    expect(done.steps.find((step: { node_id: string }) => step.node_id === 'ask').output).toMatchObject({ decision: 'rejected', comment: 'not now' });
  });

  it('pauses between nodes and resumes without re-running finished ones; cancels a running execution', async () => {
    const workflowId = await createWorkflow(
      [
        { id: 'start', type: 'start' },
        { id: 'wait', type: 'delay', config: { ms: 1_000 } },
        { id: 'after', type: 'template', config: { template: 'done' } },
        { id: 'end', type: 'end', config: { outputs: { result: '{{after.output.text}}' } } },
      ],
      [['start', 'wait'], ['wait', 'after'], ['after', 'end']],
    );

    const started = (await post(`/api/v1/workflows/${workflowId}/execute`, { mode: 'async' })).json();
    // Once the start node's step is stored, the 1 s delay node runs: the pause lands during it.
    await waitForStep(started.id, 'start');
    const pause = await post(`/api/v1/executions/${started.id}/pause`, {});
    const paused = await waitForStatus(started.id, ['paused']);
    await post(`/api/v1/executions/${started.id}/resume`, {});
    const done = await waitForStatus(started.id, ['succeeded']);
    const second = (await post(`/api/v1/workflows/${workflowId}/execute`, { mode: 'async' })).json();
    const cancelled = (await post(`/api/v1/executions/${second.id}/cancel`, {})).json();

    expect(pause.statusCode).toBe(200);
    expect(paused.steps.map((step: { node_id: string }) => step.node_id)).toEqual(['start', 'wait']);
    expect(done.output).toEqual({ result: 'done' });
    expect(done.steps.filter((step: { node_id: string }) => step.node_id === 'wait')).toHaveLength(1);
    expect(cancelled.status).toBe('cancelled');
  });

  it('refuses an invalid workflow and bad input with 422, and hides other users executions', async () => {
    const invalid = await createWorkflow([{ id: 'start', type: 'start' }], []);
    const valid = await createWorkflow(...greeting);
    const stranger = await createUser(testApp);
    const execution = (await post(`/api/v1/workflows/${valid}/execute`, { input: { name: 'Ada' } })).json();

    const invalidRun = await post(`/api/v1/workflows/${invalid}/execute`, {});
    const badInput = await post(`/api/v1/workflows/${valid}/execute`, { input: { name: 42 } });
    const foreignRun = await post(`/api/v1/workflows/${valid}/execute`, { input: { name: 'x' } }, stranger);
    const foreignRead = await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${execution.id}`, headers: stranger.headers });
    const foreignCancel = await post(`/api/v1/executions/${execution.id}/cancel`, {}, stranger);

    expect(invalidRun.statusCode).toBe(422);
    expect(invalidRun.json().error).toBe('WORKFLOW_INVALID');
    expect(invalidRun.json().details.issues[0].code).toBe('END_UNREACHABLE');
    expect(badInput.statusCode).toBe(422);
    expect(badInput.json().error).toBe('WORKFLOW_INPUT_INVALID');
    expect(foreignRun.statusCode).toBe(404);
    expect(foreignRead.statusCode).toBe(404);
    expect(foreignCancel.statusCode).toBe(404);
  });
});

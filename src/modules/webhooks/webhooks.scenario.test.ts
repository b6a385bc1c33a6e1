import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { signWebhookBody } from './webhook-signature.js';

/** Webhook triggers: by id and by name, async and sync, and every way a call can be refused. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

//   start (name) -> greet (template) -> end
async function greetingWorkflow(name = 'Greeter') {
  const workflow = await testApp.container.services.workflows.create({ userId: user.id, role: 'user' }, {
    name,
    description: '',
    graph: {
      nodes: [
        { id: 'start', type: 'start', config: { inputs: [{ name: 'name', type: 'string', required: true }] } },
        { id: 'greet', type: 'template', config: { template: 'Hello, {{start.input.name}}!' } },
        { id: 'end', type: 'end', config: { outputs: { message: '{{greet.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'greet' },
        { source: 'greet', target: 'end' },
      ],
    },
    environment: {},
  } as never);
  const secret = (await testApp.app.inject({ method: 'GET', url: `/api/v1/workflows/${workflow.id}/webhook-secret`, headers: user.headers })).json().secret as string;
  return { id: workflow.id, secret, byName: `/api/v1/webhooks/by-name/${user.id}/${encodeURIComponent(name)}` };
}

function call(url: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  return testApp.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body !== undefined ? { payload: options.body } : {}),
  });
}

async function executionCount() {
  return (await testApp.app.inject({ method: 'GET', url: '/api/v1/runs?kind=workflow', headers: user.headers })).json().total as number;
}

async function waitForEnd(id: string) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const execution = (await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: user.headers })).json();
    if (!['pending', 'running'].includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`execution ${id} did not end`);
}

describe('webhooks', () => {
  it('run the workflow as its owner: async answers the execution id, sync the output', async () => {
    const workflow = await greetingWorkflow();
    const body = JSON.stringify({ name: 'Ada' });

    const queued = await call(`/api/v1/webhooks/${workflow.id}`, { body, headers: { 'x-webhook-secret': workflow.secret } });
    const synced = await call(`/api/v1/webhooks/${workflow.id}?mode=sync`, { body, headers: { 'x-webhook-secret': workflow.secret } });

    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'pending', output: null, error: null });
    const ended = await waitForEnd(queued.json().execution_id);
    expect(ended).toMatchObject({ status: 'succeeded', trigger: 'webhook', input: { name: 'Ada' }, output: { message: 'Hello, Ada!' } });
    expect(synced.statusCode).toBe(200);
    expect(synced.json()).toMatchObject({ status: 'succeeded', output: { message: 'Hello, Ada!' }, error: null });
  });

  it('accept a signature of the raw body instead of the secret, by name too', async () => {
    const workflow = await greetingWorkflow('Greeter / daily');
    const body = '{"name":  "Lin"}';

    const response = await call(`${workflow.byName}?mode=sync`, { body, headers: { 'x-webhook-signature': signWebhookBody(workflow.secret, body) } });
    const signedOther = await call(`${workflow.byName}?mode=sync`, {
      body,
      headers: { 'x-webhook-signature': signWebhookBody(workflow.secret, '{"name":"Lin"}') },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().output).toEqual({ message: 'Hello, Lin!' });
    expect(signedOther.statusCode).toBe(401);
  });

  it('refuse calls without the right secret, and a rotated one, creating nothing', async () => {
    const workflow = await greetingWorkflow();
    const body = JSON.stringify({ name: 'Ada' });
    const before = await executionCount();

    const none = await call(`/api/v1/webhooks/${workflow.id}`, { body });
    const wrong = await call(`/api/v1/webhooks/${workflow.id}`, { body, headers: { 'x-webhook-secret': `${workflow.secret}x` } });
    const badSignature = await call(`/api/v1/webhooks/${workflow.id}`, { body, headers: { 'x-webhook-signature': 'sha256=00' } });
    const userToken = await call(`/api/v1/webhooks/${workflow.id}`, { body, headers: user.headers });
    await testApp.app.inject({ method: 'POST', url: `/api/v1/workflows/${workflow.id}/webhook-secret/rotate`, headers: user.headers });
    const rotated = await call(`/api/v1/webhooks/${workflow.id}`, { body, headers: { 'x-webhook-secret': workflow.secret } });

    for (const response of [none, wrong, badSignature, userToken, rotated]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('WEBHOOK_UNAUTHORIZED');
    }
    expect(await executionCount()).toBe(before);
  });

  it('answer 404 for unknown workflows and 4xx for bad calls, creating nothing', async () => {
    const workflow = await greetingWorkflow();
    const headers = { 'x-webhook-secret': workflow.secret };
    const before = await executionCount();

    const unknownId = await call('/api/v1/webhooks/00000000-0000-4000-8000-000000000000', { body: '{}', headers });
    const unknownName = await call(`/api/v1/webhooks/by-name/${user.id}/nobody`, { body: '{}', headers });
    const notUuid = await call('/api/v1/webhooks/not-a-uuid', { body: '{}', headers });
    const array = await call(`/api/v1/webhooks/${workflow.id}`, { body: '[1]', headers });
    const broken = await call(`/api/v1/webhooks/${workflow.id}`, { body: '{"name":', headers });
    const text = await call(`/api/v1/webhooks/${workflow.id}`, { body: 'name=Ada', headers: { ...headers, 'content-type': 'text/plain' } });
    const badMode = await call(`/api/v1/webhooks/${workflow.id}?mode=later`, { body: '{}', headers });
    const missingInput = await call(`/api/v1/webhooks/${workflow.id}`, { body: '{}', headers });

    expect([unknownId.statusCode, unknownName.statusCode]).toEqual([404, 404]);
    expect(unknownId.json().error).toBe('WORKFLOW_NOT_FOUND');
    expect(notUuid.statusCode).toBe(422);
    expect(array.statusCode).toBe(422);
    expect(array.json().error).toBe('WEBHOOK_BODY_INVALID');
    expect(broken.statusCode).toBe(422);
    expect(text.statusCode).toBe(415);
    expect(badMode.statusCode).toBe(422);
    expect(missingInput.statusCode).toBe(422);
    expect(missingInput.json().error).toBe('WORKFLOW_INPUT_INVALID');
    expect(await executionCount()).toBe(before);
  });
});

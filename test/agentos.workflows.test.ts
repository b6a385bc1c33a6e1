import { beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../src/test-kit/build-test-app.js';
import { useAppPerFile } from '../src/test-kit/use-app-per-file.js';
import { createModelConfig, createUser, type TestUser } from '../src/test-kit/factories.js';
import { useModelServer } from '../src/test-kit/use-model-server.js';
import { bodyOf, openAgnoSocket, runForm, sseFrames } from './agentos.test-helpers.js';

/** AgentOS workflows over our workflows and executions, on a real socket. */
const server = useModelServer();
let testApp: TestApp;
let base: string;
let user: TestUser;

useAppPerFile(async (app) => {
  testApp = app;
  base = await app.app.listen({ port: 0, host: '127.0.0.1' });
});
beforeEach(async () => {
  user = await createUser(testApp);
});

type Node = { id: string; type: string; config?: Record<string, unknown> };

async function createWorkflow(name: string, nodes: Node[], edges: Array<[string, string]>): Promise<string> {
  const graph = { nodes: nodes.map((node) => ({ config: {}, ...node })), edges: edges.map(([source, target]) => ({ source, target })) };
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/workflows', headers: user.headers, payload: { name, description: 'Greets', graph, environment: {} } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

//   start(message) -> greet (template) -> end {content}
const greeter = (): Promise<string> =>
  createWorkflow(
    'Greeter',
    [
      { id: 'start', type: 'start', config: { inputs: [{ name: 'message', type: 'string', required: true }] } },
      { id: 'greet', type: 'template', config: { template: 'Hello, {{start.input.message}}!' } },
      { id: 'end', type: 'end', config: { outputs: { content: '{{greet.output.text}}' } } },
    ],
    [
      ['start', 'greet'],
      ['greet', 'end'],
    ],
  );

function run(workflowId: string, fields: Record<string, string>) {
  return fetch(`${base}/workflows/${workflowId}/runs`, { method: 'POST', headers: user.headers, body: runForm(fields) });
}

describe('AgentOS workflows', () => {
  it('lists and shows workflows with their steps and input schema; unknown ones are 404', async () => {
    const id = await greeter();

    const list = await bodyOf(await fetch(`${base}/workflows`, { headers: user.headers }));
    expect(list).toEqual([{ id, name: 'Greeter', description: 'Greets', db_id: 'tiangong', is_factory: false, is_component: false, current_version: 1 }]);
    const detail = await bodyOf(await fetch(`${base}/workflows/${id}`, { headers: user.headers }));
    expect(detail).toMatchObject({ id, workflow_agent: false, input_schema: { properties: { message: { type: 'string' } }, required: ['message'] } });
    expect(detail.steps.map((step: { step_id: string }) => step.step_id)).toEqual(['start', 'greet', 'end']);
    const missing = await fetch(`${base}/workflows/${crypto.randomUUID()}`, { headers: user.headers });
    expect(missing.status).toBe(404);
    expect(await bodyOf(missing)).toEqual({ detail: 'Workflow not found' });
  });

  it('streams a run: WorkflowStarted, a StepStarted/StepCompleted per node, WorkflowCompleted', async () => {
    const id = await greeter();

    const response = await run(id, { message: 'Ada' });
    const frames = sseFrames(await response.text());

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const names = frames.map((frame) => frame.event);
    expect(names[0]).toBe('WorkflowStarted');
    expect(names.filter((name) => name === 'StepCompleted')).toHaveLength(3);
    expect(frames.at(-1)).toMatchObject({ event: 'WorkflowCompleted', data: { workflow_id: id, workflow_name: 'Greeter', content: 'Hello, Ada!', content_type: 'str' } });
    const runId = frames[0]!.data.run_id;
    for (const frame of frames) expect(frame.data).toMatchObject({ run_id: runId, workflow_id: id });
    expect(frames.find((frame) => frame.event === 'StepStarted' && frame.data.step_id === 'greet')!.data).toMatchObject({ step_name: 'greet', step_index: 1 });
  });

  it("answers a run without streaming as WorkflowRunOutput; a missing message is FastAPI's 422", async () => {
    const id = await greeter();

    const output = await bodyOf(await run(id, { message: 'Bo', stream: 'false' }));
    expect(output).toMatchObject({ workflow_id: id, content: 'Hello, Bo!', content_type: 'str', status: 'COMPLETED', input: { message: 'Bo' } });
    expect(Number.isInteger(output.created_at)).toBe(true);

    const missing = await run(id, { stream: 'false' });
    expect(missing.status).toBe(422);
    expect(await bodyOf(missing)).toEqual({ detail: [{ type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: null }] });
  });

  it('streams LLM tokens as RunContent of the step, and cancels with WorkflowCancelled', async () => {
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl, is_default: true });
    const id = await createWorkflow(
      'Writer',
      [
        { id: 'start', type: 'start' },
        { id: 'write', type: 'llm', config: { model_config_id: model.id, prompt: 'Write about {{start.input.message}}', stream: true } },
        { id: 'end', type: 'end', config: { outputs: { content: '{{write.output.text}}' } } },
      ],
      [
        ['start', 'write'],
        ['write', 'end'],
      ],
    );
    server.enqueue({ text: 'Rivers run far.' }, { text: 'one two three four five six seven eight nine', chunkDelayMs: 80 });

    const frames = sseFrames(await (await run(id, { message: 'rivers' })).text());
    const tokens = frames.filter((frame) => frame.event === 'RunContent');
    expect(tokens.map((frame) => frame.data.content).join('')).toBe('Rivers run far.');
    expect(tokens[0]!.data).toMatchObject({ step_id: 'write', workflow_id: id });
    expect(frames.at(-1)).toMatchObject({ event: 'WorkflowCompleted', data: { content: 'Rivers run far.' } });

    const response = await run(id, { message: 'slowly' });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: RunContent')) text += decoder.decode((await reader.read()).value, { stream: true });
    const runId = String(sseFrames(text.slice(0, text.indexOf('\n\n') + 2))[0]!.data.run_id);
    expect(await bodyOf(await fetch(`${base}/workflows/${id}/runs/${runId}/cancel`, { method: 'POST', headers: user.headers }))).toEqual({});
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    expect(sseFrames(text).at(-1)!.event).toBe('WorkflowCancelled');
  });

  it('WebSocket: connected, auth required, authenticate (JWT), ping, errors, start-workflow as SSE frames, reconnect replay', async () => {
    const id = await greeter();
    const socket = await openAgnoSocket(`${base.replace('http', 'ws')}/workflows/ws`);
    const last = () => JSON.parse(socket.frames.at(-1)!);
    try {
      await socket.waitFor((frames) => frames.length === 1);
      expect(last()).toEqual({ event: 'connected', message: 'Connected to AgentOS. Please authenticate to continue.', requires_auth: true });

      socket.send({ action: 'ping' });
      await socket.waitFor((frames) => frames.length === 2);
      expect(last()).toMatchObject({ event: 'auth_required' });
      socket.send({ action: 'authenticate' });
      await socket.waitFor((frames) => frames.length === 3);
      expect(last()).toEqual({ event: 'auth_error', error: 'Token is required' });
      socket.send({ action: 'authenticate', token: 'nope' });
      await socket.waitFor((frames) => frames.length === 4);
      expect(last()).toMatchObject({ event: 'auth_error', error: 'Invalid token' });
      socket.send({ action: 'authenticate', token: user.token });
      await socket.waitFor((frames) => frames.length === 5);
      expect(last()).toEqual({ event: 'authenticated', message: 'JWT authentication successful.', user_id: user.id });

      socket.send({ action: 'ping' });
      await socket.waitFor((frames) => frames.length === 6);
      expect(last()).toEqual({ event: 'pong' });
      socket.send({ action: 'start-workflow', message: 'x' });
      await socket.waitFor((frames) => frames.length === 7);
      expect(last()).toEqual({ event: 'error', error: 'workflow_id is required' });
      socket.send({ action: 'bogus' });
      await socket.waitFor((frames) => frames.length === 8);
      expect(last()).toEqual({ event: 'error', error: 'Unknown action: bogus' });
      const unknown = crypto.randomUUID();
      socket.send({ action: 'start-workflow', workflow_id: unknown, message: 'x' });
      await socket.waitFor((frames) => frames.length === 9);
      expect(last()).toEqual({ event: 'error', error: `Workflow ${unknown} not found` });

      socket.send({ action: 'start-workflow', workflow_id: id, message: 'Cy' });
      const frames = await socket.waitFor((all) => all.some((frame) => frame.startsWith('event: WorkflowCompleted')));
      const streamed = frames.slice(9).flatMap((frame) => sseFrames(frame));
      expect(streamed[0]).toMatchObject({ event: 'WorkflowStarted', data: { event_index: 0, workflow_id: id } });
      expect(streamed.map((frame) => frame.data.event_index)).toEqual(streamed.map((_, index) => index));
      expect(streamed.at(-1)!.data).toMatchObject({ event: 'WorkflowCompleted', content: 'Hello, Cy!' });
      const runId = streamed[0]!.data.run_id;

      const before = socket.frames.length;
      socket.send({ action: 'reconnect', run_id: runId, last_event_index: 2 });
      const replayed = await socket.waitFor((all) => all.slice(before).some((frame) => frame.includes('"WorkflowCompleted"')));
      const messages = replayed.slice(before).map((frame) => JSON.parse(frame));
      expect(messages[0]).toMatchObject({ event: 'replay', run_id: runId, status: 'COMPLETED', total_events: streamed.length });
      expect(messages.slice(1).map((message: { event_index: number }) => message.event_index)).toEqual(streamed.slice(3).map((frame) => frame.data.event_index));
      socket.send({ action: 'reconnect' });
      await socket.waitFor((all) => all.at(-1)!.includes('run_id is required'));
      socket.send({ action: 'reconnect', run_id: 'nope' });
      await socket.waitFor((all) => all.at(-1)!.includes('not found in buffer or database'));
    } finally {
      socket.close();
    }
    const plain = await fetch(`${base}/workflows/ws`);
    expect(plain.status).toBe(426);
  });
});

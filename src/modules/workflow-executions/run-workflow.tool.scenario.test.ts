import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { useAppPerFile } from '../../test-kit/use-app-per-file.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** run_workflow: an agent runs one of its user's workflows as a tool; the execution is a child of the agent's run. */
const server = useModelServer();
let testApp: TestApp;

useAppPerFile((app) => {
  testApp = app;
});

const greeting = {
  nodes: [
    { id: 'start', type: 'start', config: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'greet', type: 'template', config: { template: 'Hello, {{start.input.name}}!' } },
    { id: 'end', type: 'end', config: { outputs: { text: '{{greet.output.text}}' } } },
  ],
  edges: [
    { source: 'start', target: 'greet' },
    { source: 'greet', target: 'end' },
  ],
};

async function workflowOf(user: TestUser): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/workflows', headers: user.headers, payload: { name: `greet-${randomUUID().slice(0, 8)}`, graph: greeting } });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
}

async function agentWithTool(user: TestUser) {
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl });
  return createAgent(testApp, user, { name: 'Runner', model_config: null, model_config_id: config.id, include_tools: ['run_workflow'], iteration_limit: 3 });
}

/** The last tool result the model was sent in request `index`, as text. */
const toolResult = (index: number) =>
  String((server.requests[index]!.body!.messages as Array<{ role: string; content: unknown }>).filter((message) => message.role === 'tool').at(-1)!.content);

describe('run_workflow', () => {
  it("runs the user's workflow with the input; its output comes back and the execution is a child of the agent's run", async () => {
    const user = await createUser(testApp);
    const workflowId = await workflowOf(user);
    const agent = await agentWithTool(user);
    server.enqueue({ toolCalls: [{ name: 'run_workflow', arguments: { workflow_id: workflowId, input: { name: 'Ada' } } }] }, { text: 'It says hello to Ada.' });

    const answer = (await testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agent.id}`, headers: user.headers, payload: { message: 'Greet Ada' } })).json();

    expect(answer.content).toBe('It says hello to Ada.');
    const result = JSON.parse(toolResult(1)) as { workflow_id: string; execution_id: string; output: unknown };
    expect(result).toMatchObject({ workflow_id: workflowId, output: { text: 'Hello, Ada!' } });
    const executionId = result.execution_id;
    const run = (await testApp.app.inject({ url: `/api/v1/runs/${executionId}`, headers: user.headers })).json();
    expect(run).toMatchObject({ kind: 'workflow', status: 'succeeded', parent_run_id: answer.run_id, output: { text: 'Hello, Ada!' } });
  });

  it("answers another user's workflow, and a workflow whose input is refused, with tool errors the model reads", async () => {
    const owner = await createUser(testApp);
    const stranger = await createUser(testApp);
    const foreignWorkflow = await workflowOf(stranger);
    const ownWorkflow = await workflowOf(owner);
    const agent = await agentWithTool(owner);
    server.enqueue(
      { toolCalls: [{ name: 'run_workflow', arguments: { workflow_id: foreignWorkflow, input: { name: 'Ada' } } }] },
      { toolCalls: [{ name: 'run_workflow', arguments: { workflow_id: ownWorkflow, input: {} } }] },
      { text: 'Neither worked.' },
    );

    const answer = (await testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agent.id}`, headers: owner.headers, payload: { message: 'Try both' } })).json();

    expect(answer.content).toBe('Neither worked.');
    expect(toolResult(1)).toBe(`Workflow ${foreignWorkflow} not found`);
    expect(toolResult(2)).toBe('Invalid input: name is required');
    const stored = (await testApp.app.inject({ url: '/api/v1/runs?kind=workflow', headers: stranger.headers })).json();
    expect(stored.items).toEqual([]);
  });

  //   start -> ask (human_approval) -(approved)-> end
  it('answers a workflow that stops to wait for an approval with a tool error, and leaves it waiting', async () => {
    const user = await createUser(testApp);
    const graph = {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'ask', type: 'human_approval', config: { title: 'Go?' } },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { source: 'start', target: 'ask' },
        { source: 'ask', target: 'end', source_handle: 'approved' },
      ],
    };
    const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/workflows', headers: user.headers, payload: { name: 'asks first', graph } });
    expect(created.statusCode).toBe(201);
    const agent = await agentWithTool(user);
    server.enqueue({ toolCalls: [{ name: 'run_workflow', arguments: { workflow_id: created.json().id, input: {} } }] }, { text: 'It waits.' });

    const answer = (await testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agent.id}`, headers: user.headers, payload: { message: 'Run it' } })).json();

    expect(answer.content).toBe('It waits.');
    const executionId = /^Execution (\S+) is waiting_approval; it cannot finish as a sub-workflow$/.exec(toolResult(1))?.[1];
    expect(executionId).toBeDefined();
    const run = (await testApp.app.inject({ url: `/api/v1/runs/${executionId}`, headers: user.headers })).json();
    expect(run).toMatchObject({ kind: 'workflow', status: 'waiting_approval', parent_run_id: answer.run_id });
  });
});

import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** call_agent: an agent delegates to another, as a child run; self-calls and endless chains are refused. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

async function twoAgents() {
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl });
  const common = { model_config: null, model_config_id: config.id, include_tools: ['call_agent'] };
  const first = await createAgent(testApp, user, { ...common, name: 'Planner' });
  const second = await createAgent(testApp, user, { ...common, name: 'Researcher' });
  return { first, second };
}

function chat(agentId: string, message: string) {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agentId}`, headers: user.headers, payload: { message } });
}

const toolResults = (index: number) =>
  (server.requests[index]!.body!.messages as Array<{ role: string; content: string }>).filter((message) => message.role === 'tool');

describe('call_agent', () => {
  it("delegates to another agent; the answer comes back and the child run's parent is the caller's run", async () => {
    const { first, second } = await twoAgents();
    server.enqueue(
      { toolCalls: [{ name: 'call_agent', arguments: { agent_id: second.id, message: 'Find the capital of France' } }] },
      { text: 'Paris.' },
      { text: 'The researcher says: Paris.' },
    );

    const answer = (await chat(first.id, 'Capital of France?')).json();
    const runs = (await testApp.app.inject({ url: '/api/v1/runs', headers: user.headers })).json().items as Array<Record<string, unknown>>;
    const child = runs.find((run) => run.agent_id === second.id)!;

    expect(answer.content).toBe('The researcher says: Paris.');
    expect(child.parent_run_id).toBe(answer.run_id);
    expect(server.requests[1]!.body!.messages).toEqual(expect.arrayContaining([expect.objectContaining({ content: 'Find the capital of France' })]));
    expect(JSON.parse(toolResults(2)[0]!.content)).toMatchObject({ agent_name: 'Researcher', content: 'Paris.' });
  });

  it('refuses a call to the calling agent itself', async () => {
    const { first } = await twoAgents();
    server.enqueue({ toolCalls: [{ name: 'call_agent', arguments: { agent_id: first.id, message: 'me again' } }] }, { text: 'ok' });

    await chat(first.id, 'loop');

    expect(toolResults(1)[0]!.content).toContain('cannot call itself');
  });

  it('stops a chain of agents calling each other at the depth limit', async () => {
    const { first, second } = await twoAgents();
    const call = (target: string) => ({ toolCalls: [{ name: 'call_agent', arguments: { agent_id: target, message: 'go on' } }] });
    server.enqueue(call(second.id), call(first.id), call(second.id), call(first.id), { text: 'd3' }, { text: 'd2' }, { text: 'd1' }, { text: 'top' });

    const answer = (await chat(first.id, 'start')).json();

    expect(answer.content).toBe('top');
    expect(server.requests).toHaveLength(8);
    expect(toolResults(4)[0]!.content).toContain('at most 3 deep');
  });
});

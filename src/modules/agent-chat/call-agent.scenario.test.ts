import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { useAppPerFile } from '../../test-kit/use-app-per-file.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** call_agent: an agent delegates to another, as a child run; self-calls, endless chains and loops are refused. */
const server = useModelServer();
let testApp: TestApp;

useAppPerFile((app) => {
  testApp = app;
});

/** A fresh user with two agents that may call agents. */
async function twoAgents() {
  const user = await createUser(testApp);
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl });
  const common = { model_config: null, model_config_id: config.id, include_tools: ['call_agent'] };
  const first = await createAgent(testApp, user, { ...common, name: 'Planner' });
  const second = await createAgent(testApp, user, { ...common, name: 'Researcher' });
  return { user, first, second };
}

function chat(user: TestUser, agentId: string, message: string) {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agentId}`, headers: user.headers, payload: { message } });
}

const callAgent = (agentId: string, message: string) => ({ toolCalls: [{ name: 'call_agent', arguments: { agent_id: agentId, message } }] });

const toolResults = (index: number) =>
  (server.requests[index]!.body!.messages as Array<{ role: string; content: string }>).filter((message) => message.role === 'tool');

describe('call_agent', () => {
  it("delegates to another agent; the answer comes back and the child run's parent is the caller's run", async () => {
    const { user, first, second } = await twoAgents();
    server.enqueue(callAgent(second.id, 'Find the capital of France'), { text: 'Paris.' }, { text: 'The researcher says: Paris.' });

    const answer = (await chat(user, first.id, 'Capital of France?')).json();
    const runs = (await testApp.app.inject({ url: '/api/v1/runs', headers: user.headers })).json().items as Array<Record<string, unknown>>;
    const child = runs.find((run) => run.agent_id === second.id)!;

    expect(answer.content).toBe('The researcher says: Paris.');
    expect(child.parent_run_id).toBe(answer.run_id);
    expect(server.requests[1]!.body!.messages).toEqual(expect.arrayContaining([expect.objectContaining({ content: 'Find the capital of France' })]));
    expect(JSON.parse(toolResults(2)[0]!.content)).toMatchObject({ agent_name: 'Researcher', content: 'Paris.', depth: 1 });
  });

  it('refuses a call to the calling agent itself', async () => {
    const { user, first } = await twoAgents();
    server.enqueue(callAgent(first.id, 'me again'), { text: 'ok' });

    await chat(user, first.id, 'loop');

    expect(toolResults(1)[0]!.content).toContain('cannot call itself');
  });

  it('stops a chain of agents calling each other at the depth limit', async () => {
    const { user, first, second } = await twoAgents();
    server.enqueue(
      callAgent(second.id, 'step 1'),
      callAgent(first.id, 'step 2'),
      callAgent(second.id, 'step 3'),
      callAgent(first.id, 'step 4'),
      { text: 'd3' },
      { text: 'd2' },
      { text: 'd1' },
      { text: 'top' },
    );

    const answer = (await chat(user, first.id, 'start')).json();

    expect(answer.content).toBe('top');
    expect(server.requests).toHaveLength(8);
    expect(toolResults(4)[0]!.content).toContain('at most 3 deep');
  });

  it('refuses to hand a task back to an agent already working on it up the chain (DELEGATION_LOOP)', async () => {
    const { user, first, second } = await twoAgents();
    server.enqueue(callAgent(second.id, 'Check the numbers'), callAgent(first.id, 'check the  numbers!'), { text: 'partial' }, { text: 'final' });

    const answer = (await chat(user, first.id, 'Check the numbers')).json();
    const runs = (await testApp.app.inject({ url: '/api/v1/runs', headers: user.headers })).json();

    expect(answer.content).toBe('final');
    expect(server.requests).toHaveLength(4);
    expect(toolResults(2)[0]!.content).toContain('DELEGATION_LOOP');
    expect(runs.total).toBe(2);
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { tokenUsage } from '../../../platform/llm/llm-call.js';
import { agentNode } from './agent.node.js';
import { codedError, fakeServices, runSingleNode, untilAborted } from './model.test-helpers.js';

function agentAnswer() {
  return { content: 'Booked.', sessionId: randomUUID(), runId: randomUUID(), usage: tokenUsage(100, 20) };
}

// Every test: start -> subject (agent) -> end
describe('agent node', () => {
  it('asks the agent the resolved message and outputs content, session_id and run_id with usage', async () => {
    const agentId = randomUUID();
    const answer = agentAnswer();
    const fake = fakeServices({ askAgent: [answer] });

    const run = await runSingleNode({
      nodeType: agentNode,
      config: { agent_id: agentId, message: 'Book {{start.input.nights}} nights' },
      services: fake.services,
      input: { nights: 2 },
    });

    expect(fake.calls.askAgent).toEqual([{ agentId, message: 'Book 2 nights', signal: expect.any(AbortSignal), nodeId: 'subject' }]);
    expect(run.step('subject').output).toEqual({ content: 'Booked.', session_id: answer.sessionId, run_id: answer.runId });
    expect(run.result.usage).toEqual(tokenUsage(100, 20));
  });

  it.each([
    ['an agent id that is not a uuid', { agent_id: 'helper', message: 'hi' }],
    ['an empty message', { agent_id: randomUUID(), message: '' }],
    ['a missing message', { agent_id: randomUUID() }],
  ])('fails with NODE_CONFIG_INVALID for %s', async (_case, config) => {
    const fake = fakeServices();

    const run = await runSingleNode({ nodeType: agentNode, config, services: fake.services });

    expect(run.step('subject').error?.code).toBe('NODE_CONFIG_INVALID');
    expect(fake.calls.askAgent).toHaveLength(0);
  });

  it('fails the step with the code of the service error', async () => {
    const fake = fakeServices({ askAgent: [codedError('AGENT_NOT_FOUND', 'agent not found')] });

    const run = await runSingleNode({ nodeType: agentNode, config: { agent_id: randomUUID(), message: 'hi' }, services: fake.services });

    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'AGENT_NOT_FOUND', message: 'agent not found' } });
  });

  it('aborts the agent run when the execution is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeServices({ askAgent: [untilAborted] });

    const running = runSingleNode({ nodeType: agentNode, config: { agent_id: randomUUID(), message: 'hi' }, services: fake.services, signal: controller.signal });
    await vi.waitFor(() => expect(fake.calls.askAgent).toHaveLength(1));
    controller.abort();
    const run = await running;

    expect(fake.calls.askAgent[0]!.signal.aborted).toBe(true);
    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });
});

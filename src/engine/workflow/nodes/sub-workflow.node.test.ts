import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenUsage } from '../../../platform/llm/llm-call.js';
import { chain, createFlowHarness, node } from './flow.test-helpers.js';

describe('sub_workflow node', () => {
  it('runs the workflow with its resolved input and outputs its output and usage', async () => {
    //  source -> child -> finish
    const workflowId = randomUUID();
    const harness = createFlowHarness(async ({ input }) => ({ output: { summary: `about ${String(input.topic)}` }, usage: tokenUsage(10, 5) }));
    const graph = chain(
      node('source', 'collect', { topic: 'tides' }),
      node('child', 'sub_workflow', { workflow_id: workflowId, input: { topic: '{{source.output.topic}}', depth: 2 } }),
      node('finish', 'collect', { summary: '{{child.output.summary}}' }),
    );

    const { result, step } = await harness.run(graph);

    expect(harness.subWorkflowCalls).toEqual([{ workflowId, input: { topic: 'tides', depth: 2 } }]);
    expect(step('child')?.output).toEqual({ summary: 'about tides' });
    expect(result.output).toEqual({ summary: 'about tides' });
    expect(result.usage).toEqual(tokenUsage(10, 5));
  });

  it('sends an empty input when none is configured', async () => {
    //  child
    const harness = createFlowHarness(async () => ({ output: {}, usage: tokenUsage(0, 0) }));

    await harness.run(chain(node('child', 'sub_workflow', { workflow_id: randomUUID() })));

    expect(harness.subWorkflowCalls[0]?.input).toEqual({});
  });

  it("fails with the service's error code when the sub-workflow fails", async () => {
    //  child -> after
    const harness = createFlowHarness(async () => {
      throw Object.assign(new Error('workflow not found'), { code: 'WORKFLOW_NOT_FOUND' });
    });
    const graph = chain(node('child', 'sub_workflow', { workflow_id: randomUUID() }), node('after', 'collect', {}));

    const { result, step } = await harness.run(graph);

    expect(result.status).toBe('failed');
    expect(step('child')?.error).toEqual({ code: 'WORKFLOW_NOT_FOUND', message: 'workflow not found' });
    expect(step('after')).toBeUndefined();
  });

  it.each([
    ['a workflow_id that is not a uuid', { workflow_id: 'nightly' }],
    ['an input that is not an object', { workflow_id: randomUUID(), input: 'hello' }],
  ])('rejects %s as NODE_CONFIG_INVALID without calling the service', async (_, config) => {
    //  child
    const harness = createFlowHarness(async () => ({ output: {}, usage: tokenUsage(0, 0) }));

    const { step } = await harness.run(chain(node('child', 'sub_workflow', config)));

    expect(step('child')?.error?.code).toBe('NODE_CONFIG_INVALID');
    expect(harness.subWorkflowCalls).toEqual([]);
  });

  it('passes the cancel on to the sub-workflow', async () => {
    //  child (the sub-workflow runs until its signal aborts)
    const controller = new AbortController();
    let received: AbortSignal | undefined;
    const harness = createFlowHarness(
      ({ signal }) =>
        new Promise((_, reject) => {
          received = signal;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    );

    const running = harness.run(chain(node('child', 'sub_workflow', { workflow_id: randomUUID() })), { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const { result, step } = await running;

    expect(result.status).toBe('cancelled');
    expect(received?.aborted).toBe(true);
    expect(step('child')?.error?.code).toBe('RUN_CANCELLED');
  });
});

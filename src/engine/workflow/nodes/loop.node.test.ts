import { describe, expect, it } from 'vitest';
import { chain, createFlowHarness, node } from './flow.test-helpers.js';
import { loopNode } from './loop.node.js';

/** A body that doubles `state.value`; its output `{ value }` is the next state. */
const doublingBody = () => chain(node('double', 'double', { value: '{{grow.state.value}}' }));

describe('loop node', () => {
  it('repeats its body, threading the state, until the condition holds', async () => {
    //  grow -> finish
    //  body: double (state.value × 2), until state.value >= 16
    const harness = createFlowHarness();
    const graph = chain(
      node('grow', 'loop', {
        body: doublingBody(),
        state: { value: '{{start.input.seed}}' },
        until: { left: '{{grow.state.value}}', operator: 'greater_or_equal', right: 16 },
        max_iterations: 10,
      }),
      node('finish', 'collect', { value: '{{grow.output.state.value}}', iterations: '{{grow.output.iterations}}' }),
    );

    const { result, step } = await harness.run(graph, { input: { seed: 1 } });

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ value: 16, iterations: 4 });
    expect(harness.probe.log).toEqual(['double 1', 'double 2', 'double 4', 'double 8']);
    expect(step('grow')?.usage?.total_tokens).toBe(8);
  });

  it('stops at max_iterations when the condition never holds', async () => {
    //  grow (until value equals 5, which doubling from 1 never reaches)
    const harness = createFlowHarness();
    const graph = chain(
      node('grow', 'loop', {
        body: doublingBody(),
        state: { value: 1 },
        until: { left: '{{grow.state.value}}', operator: 'equals', right: 5 },
        max_iterations: 3,
      }),
    );

    const { result } = await harness.run(graph);

    expect(result.output).toEqual({ state: { value: 8 }, iterations: 3 });
  });

  it('gives the body its index and state as variables and as start input', async () => {
    //  count (no until, 3 iterations)
    //  body: collect { index, previous }
    const harness = createFlowHarness();
    const body = chain(node('note', 'collect', { index: '{{count.index}}', previous: '{{start.input.state.index}}' }));
    const graph = chain(node('count', 'loop', { body, max_iterations: 3, state: { index: 'none' } }));

    const { result, events } = await harness.run(graph);

    expect(result.output).toEqual({ state: { index: 2, previous: 1 }, iterations: 3 });
    const progress = events.flatMap((event) => (event.type === 'node-progress' ? [event.data] : []));
    expect(progress.map((data) => data.state)).toEqual([
      { index: 0, previous: 'none' },
      { index: 1, previous: 0 },
      { index: 2, previous: 1 },
    ]);
  });

  it('checks the condition after each iteration, so the body runs at least once', async () => {
    //  once (until holds from the start)
    const harness = createFlowHarness();
    const graph = chain(
      node('grow', 'loop', {
        body: doublingBody(),
        state: { value: 100 },
        until: { left: '{{grow.state.value}}', operator: 'is_not_empty' },
      }),
    );

    const { result } = await harness.run(graph);

    expect(result.output).toEqual({ state: { value: 200 }, iterations: 1 });
  });

  it('fails with the body failure and the iteration index', async () => {
    //  check -> after
    //  body: guard (fails on the second iteration)
    const harness = createFlowHarness();
    const body = chain(node('guard', 'guard', { value: '{{check.index}}', fail: '{{check.state.stop}}' }), node('mark', 'collect', { stop: true }));
    const graph = chain(node('check', 'loop', { body, max_iterations: 5, state: { stop: false } }), node('after', 'collect', {}));

    const { result, step } = await harness.run(graph);

    expect(result.status).toBe('failed');
    expect(step('check')?.error).toEqual({ code: 'TEST_GUARD', message: 'iteration 1: guard refused 1' });
    expect(step('after')).toBeUndefined();
  });

  it('fails with the condition code on an unsafe until pattern', async () => {
    //  grow (until state.value matches a backtracking pattern)
    const harness = createFlowHarness();
    const graph = chain(
      node('grow', 'loop', { body: doublingBody(), state: { value: 1 }, until: { left: '{{grow.state.value}}', operator: 'matches', right: '(a+)+$' } }),
    );

    const { step } = await harness.run(graph);

    expect(step('grow')?.error?.code).toBe('CONDITION_PATTERN_REFUSED');
    expect(step('grow')?.error?.message).toMatch(/^until: /);
  });

  it.each([
    ['max_iterations above 1000', { body: { nodes: [], edges: [] }, max_iterations: 1001 }],
    ['an unknown operator', { body: { nodes: [], edges: [] }, until: { left: 1, operator: 'roughly', right: 1 } }],
    ['a state that is not an object', { body: { nodes: [], edges: [] }, state: [1] }],
  ])('rejects a config with %s as NODE_CONFIG_INVALID', async (_, config) => {
    //  grow
    const harness = createFlowHarness();

    const { step } = await harness.run(chain(node('grow', 'loop', config)));

    expect(step('grow')?.error?.code).toBe('NODE_CONFIG_INVALID');
  });

  it('stops when the execution is cancelled', async () => {
    //  wait (body: hang)
    const harness = createFlowHarness();
    const controller = new AbortController();

    const running = harness.run(chain(node('wait', 'loop', { body: chain(node('hang', 'hang')) })), { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const { result, step } = await running;

    expect(result.status).toBe('cancelled');
    expect(harness.probe.log).toEqual(['hang']);
    expect(step('wait')?.error?.code).toBe('RUN_CANCELLED');
  });

  it('declares its body as a subgraph', () => {
    const body = doublingBody();

    const config = loopNode.configSchema.parse({ body });

    expect(loopNode.subgraphs?.(config)).toEqual([body]);
    expect(config).toMatchObject({ max_iterations: 10, state: {} });
  });
});

import { describe, expect, it } from 'vitest';
import { chain, createFlowHarness, node } from './flow.test-helpers.js';
import { iterationNode } from './iteration.node.js';

/** A one-node body: `double` of the current item, blocking `ticks` event-loop turns. */
const doubleBody = (ticks: number | string = 0) => chain(node('double', 'double', { value: '{{each.item}}', ticks }));

describe('iteration node', () => {
  it('maps a two-node body over an earlier output and collects one value per item', async () => {
    //  source -> each -> finish
    //            body: double -> append
    const harness = createFlowHarness();
    const body = chain(
      node('double', 'double', { value: '{{each.item}}' }),
      node('append', 'append', { text: '{{double.output.value}}', suffix: '#{{start.input.index}}' }),
    );
    const graph = chain(
      node('source', 'collect', { numbers: [1, 2, 3] }),
      node('each', 'iteration', { items: '{{source.output.numbers}}', body, output: 'text' }),
      node('finish', 'collect', { results: '{{each.output.results}}', count: '{{each.output.count}}' }),
    );

    const { result, step } = await harness.run(graph);

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ results: ['2#0', '4#1', '6#2'], count: 3 });
    expect(step('each')?.usage).toEqual({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
    expect(result.usage.total_tokens).toBe(6);
  });

  it("collects the body's whole output by default and reports progress per item", async () => {
    //  each (items: [5, 7])
    const harness = createFlowHarness();
    const graph = chain(node('each', 'iteration', { items: [5, 7], body: doubleBody() }));

    const { result, events } = await harness.run(graph);

    expect(result.output).toEqual({ results: [{ value: 10 }, { value: 14 }], count: 2 });
    const progress = events.filter((event) => event.type === 'node-progress');
    expect(progress.map((event) => event.type === 'node-progress' && event.data)).toEqual([
      { index: 0, completed: 1, total: 2 },
      { index: 1, completed: 2, total: 2 },
    ]);
  });

  it.each([1, 2, 4])('runs bodies with parallelism %i', async (parallelism) => {
    //  each (6 items; every body blocks a few turns)
    const harness = createFlowHarness();
    const graph = chain(node('each', 'iteration', { items: [1, 2, 3, 4, 5, 6], body: doubleBody(3), parallelism }));

    const { result } = await harness.run(graph);

    expect(result.status).toBe('succeeded');
    expect(harness.probe.maxActive).toBe(parallelism);
    expect(harness.probe.log).toHaveLength(6);
  });

  it('keeps item order when later items finish first', async () => {
    //  each (items block 6, 4, 2 turns, all at once)
    const harness = createFlowHarness();
    const body = chain(node('double', 'double', { value: '{{each.item}}', ticks: '{{each.item}}' }));
    const graph = chain(node('each', 'iteration', { items: [6, 4, 2], body, parallelism: 3, output: 'value' }));

    const { result } = await harness.run(graph);

    expect(result.output).toEqual({ results: [12, 8, 4], count: 3 });
  });

  it('fails on a failing item after the items in flight finish, starting no new ones', async () => {
    //  each (parallelism 2): item "a" is slow, item "b" fails, "c" and "d" must not start
    const harness = createFlowHarness();
    const body = chain(node('guard', 'guard', { value: '{{each.item.name}}', fail: '{{each.item.fail}}', ticks: '{{each.item.ticks}}' }));
    const items = [
      { name: 'a', fail: false, ticks: 4 },
      { name: 'b', fail: true, ticks: 0 },
      { name: 'c', fail: false, ticks: 0 },
      { name: 'd', fail: false, ticks: 0 },
    ];
    const graph = chain(node('each', 'iteration', { items, body, parallelism: 2 }), node('after', 'collect', {}));

    const { result, step } = await harness.run(graph);

    expect(result.status).toBe('failed');
    expect(step('each')?.error).toEqual({ code: 'TEST_GUARD', message: 'item 1: guard refused b' });
    expect(harness.probe.log).toEqual(['guard a start', 'guard b start', 'guard a end']);
    expect(step('after')).toBeUndefined();
  });

  it('records failed items in place with continue_on_item_error', async () => {
    //  each -> after
    const harness = createFlowHarness();
    const body = chain(node('guard', 'guard', { value: '{{each.item.name}}', fail: '{{each.item.fail}}' }));
    const items = [
      { name: 'a', fail: false },
      { name: 'b', fail: true },
      { name: 'c', fail: false },
    ];
    const graph = chain(node('each', 'iteration', { items, body, continue_on_item_error: true, output: 'value' }), node('after', 'collect', { results: '{{each.output.results}}' }));

    const { result } = await harness.run(graph);

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ results: ['a', { error: { code: 'TEST_GUARD', message: 'guard refused b' } }, 'c'] });
  });

  it.each([
    ['an object', '{{start.input.settings}}'],
    ['a missing reference', '{{start.input.nothing}}'],
    ['a string', 'not a list'],
  ])('fails with ITERATION_NOT_ARRAY when items is %s', async (_, items) => {
    //  each
    const harness = createFlowHarness();

    const { result, step } = await harness.run(chain(node('each', 'iteration', { items, body: doubleBody() })), {
      input: { settings: { a: 1 } },
    });

    expect(result.status).toBe('failed');
    expect(step('each')?.error?.code).toBe('ITERATION_NOT_ARRAY');
    expect(harness.probe.log).toEqual([]);
  });

  it('fails with ITERATION_TOO_MANY past max_iterations, running nothing', async () => {
    //  each (3 items, max 2)
    const harness = createFlowHarness();

    const { step } = await harness.run(chain(node('each', 'iteration', { items: [1, 2, 3], body: doubleBody(), max_iterations: 2 })));

    expect(step('each')?.error?.code).toBe('ITERATION_TOO_MANY');
    expect(harness.probe.log).toEqual([]);
  });

  it.each([
    ['parallelism 0', { items: [], body: { nodes: [], edges: [] }, parallelism: 0 }],
    ['max_iterations above 10000', { items: [], body: { nodes: [], edges: [] }, max_iterations: 10_001 }],
    ['no body', { items: [] }],
    ['an unknown field', { items: [], body: { nodes: [], edges: [] }, extra: true }],
  ])('rejects a config with %s as NODE_CONFIG_INVALID', async (_, config) => {
    //  each
    const harness = createFlowHarness();

    const { step } = await harness.run(chain(node('each', 'iteration', config)));

    expect(step('each')?.status).toBe('failed');
    expect(step('each')?.error?.code).toBe('NODE_CONFIG_INVALID');
  });

  it('stops the bodies in flight when the execution is cancelled', async () => {
    //  each (body: hang, two at once)
    const harness = createFlowHarness();
    const controller = new AbortController();
    const graph = chain(node('each', 'iteration', { items: [1, 2, 3], body: chain(node('hang', 'hang')), parallelism: 2 }));

    const running = harness.run(graph, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const { result, step } = await running;

    expect(harness.probe.log).toEqual(['hang', 'hang']);
    expect(result.status).toBe('cancelled');
    expect(step('each')?.error?.code).toBe('RUN_CANCELLED');
  });

  it('declares its body as a subgraph', () => {
    const body = doubleBody();

    const config = iterationNode.configSchema.parse({ items: '{{x.output.list}}', body });

    expect(iterationNode.subgraphs?.(config)).toEqual([body]);
    expect(config).toMatchObject({ max_iterations: 1000, parallelism: 1, continue_on_item_error: false });
  });
});

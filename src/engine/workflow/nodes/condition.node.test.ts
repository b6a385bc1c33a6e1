import { describe, expect, it } from 'vitest';
import type { WorkflowGraph } from '../definition.js';
import { compareValues, conditionNode, type ConditionConfig, type ConditionOperator } from './condition.node.js';
import { nodeContext, runGraph, runOneNode } from './logic.test-helpers.js';

//            start
//              |
//            check
//     big /  small |   \ else
//   end_big  end_small  end_else
function branchingGraph(config: Record<string, unknown>): WorkflowGraph {
  return {
    nodes: [
      { id: 'start', type: 'start', config: {} },
      { id: 'check', type: 'condition', config },
      { id: 'end_big', type: 'end', config: { took: 'big' } },
      { id: 'end_small', type: 'end', config: { took: 'small' } },
      { id: 'end_else', type: 'end', config: { took: 'else' } },
    ],
    edges: [
      { source: 'start', target: 'check' },
      { source: 'check', target: 'end_big', source_handle: 'big' },
      { source: 'check', target: 'end_small', source_handle: 'small' },
      { source: 'check', target: 'end_else', source_handle: 'else' },
    ],
  };
}

const sizeCases = {
  cases: [
    { id: 'big', logic: 'and', conditions: [{ left: '{{start.output.count}}', operator: 'greater_than', right: 100 }] },
    { id: 'small', logic: 'and', conditions: [{ left: '{{start.output.count}}', operator: 'greater_than', right: 0 }] },
  ],
};

describe('condition node in a graph', () => {
  it('takes the first case that holds and skips the other branches', async () => {
    const { result, steps } = await runGraph({ graph: branchingGraph(sizeCases), nodeTypes: [conditionNode], input: { count: 500 } });

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ took: 'big' });
    expect(steps.get('check')).toMatchObject({ branch: 'big', output: { branch: 'big', case_id: 'big' } });
    expect(steps.get('end_small')?.status).toBe('skipped');
    expect(steps.get('end_else')?.status).toBe('skipped');
  });

  it('takes a later case when the earlier ones fail', async () => {
    const { result } = await runGraph({ graph: branchingGraph(sizeCases), nodeTypes: [conditionNode], input: { count: 7 } });

    expect(result.output).toEqual({ took: 'small' });
  });

  it('takes "else" with case_id null when no case holds', async () => {
    const { result, steps } = await runGraph({ graph: branchingGraph(sizeCases), nodeTypes: [conditionNode], input: { count: -3 } });

    expect(result.output).toEqual({ took: 'else' });
    expect(steps.get('check')).toMatchObject({ branch: 'else', output: { branch: 'else', case_id: null } });
  });

  it('combines comparisons with and / or', async () => {
    const config = {
      cases: [
        {
          id: 'big',
          logic: 'and',
          conditions: [
            { left: '{{start.output.count}}', operator: 'greater_than', right: 0 },
            { left: '{{start.output.tier}}', operator: 'equals', right: 'gold' },
          ],
        },
        {
          id: 'small',
          logic: 'or',
          conditions: [
            { left: '{{start.output.tier}}', operator: 'equals', right: 'silver' },
            { left: '{{start.output.tags}}', operator: 'contains', right: 'vip' },
          ],
        },
      ],
    };

    const gold = await runGraph({ graph: branchingGraph(config), nodeTypes: [conditionNode], input: { count: 1, tier: 'gold', tags: [] } });
    const vip = await runGraph({ graph: branchingGraph(config), nodeTypes: [conditionNode], input: { count: 0, tier: 'gold', tags: ['vip'] } });
    const none = await runGraph({ graph: branchingGraph(config), nodeTypes: [conditionNode], input: { count: 0, tier: 'gold', tags: ['x'] } });

    expect([gold.result.output, vip.result.output, none.result.output]).toEqual([{ took: 'big' }, { took: 'small' }, { took: 'else' }]);
  });

  it('declares its branches: the case ids, then "else"', () => {
    const config = conditionNode.configSchema.parse(sizeCases);

    expect(conditionNode.branches!(config)).toEqual(['big', 'small', 'else']);
  });
});

describe('condition node config', () => {
  it.each([
    ['no cases', { cases: [] }],
    ['duplicate case ids', { cases: [sizeCases.cases[0], sizeCases.cases[0]] }],
    ['a reserved case id', { cases: [{ id: 'else', conditions: [{ left: 1, operator: 'is_true' }] }] }],
    ['an unknown operator', { cases: [{ id: 'a', conditions: [{ left: 1, operator: 'approximately', right: 1 }] }] }],
    ['a case without comparisons', { cases: [{ id: 'a', conditions: [] }] }],
  ])('fails with NODE_CONFIG_INVALID on %s', async (_, config) => {
    const { step } = await runOneNode({ nodeType: conditionNode, config });

    expect(step.status).toBe('failed');
    expect(step.error?.code).toBe('NODE_CONFIG_INVALID');
  });
});

describe('compareValues', () => {
  const cases: Array<[unknown, ConditionOperator, unknown, boolean]> = [
    ['gold', 'equals', 'gold', true],
    [5, 'equals', '5', true],
    [true, 'equals', 'TRUE', true],
    [null, 'equals', undefined, true],
    [{ a: [1, 2] }, 'equals', { a: [1, 2] }, true],
    [{ a: [1, 2] }, 'equals', { a: [2, 1] }, false],
    [1, 'equals', true, false],
    ['gold', 'not_equals', 'silver', true],
    ['hello world', 'contains', 'lo w', true],
    [['a', 'b'], 'contains', 'b', true],
    [{ key: 1 }, 'contains', 'key', true],
    [undefined, 'contains', 'x', false],
    [undefined, 'not_contains', 'x', true],
    ['report.pdf', 'starts_with', 'report', true],
    ['report.pdf', 'ends_with', '.pdf', true],
    [['report'], 'starts_with', 'report', false],
    ['', 'is_empty', undefined, true],
    [[], 'is_empty', undefined, true],
    [{}, 'is_empty', undefined, true],
    [0, 'is_empty', undefined, false],
    [' ', 'is_not_empty', undefined, true],
    [10, 'greater_than', 9, true],
    ['10', 'greater_than', '9', true],
    ['b', 'greater_than', 'a', true],
    [{}, 'greater_than', 1, false],
    [undefined, 'less_than', 1, false],
    [3, 'less_than', 4, true],
    [4, 'greater_or_equal', 4, true],
    [4, 'less_or_equal', 3, false],
    [true, 'is_true', undefined, true],
    ['true', 'is_true', undefined, true],
    [1, 'is_true', undefined, false],
    [false, 'is_false', undefined, true],
    ['b', 'in', ['a', 'b'], true],
    [2, 'in', ['1', '2'], true],
    ['c', 'not_in', ['a', 'b'], true],
    ['order-1234', 'matches', '^order-\\d{4}$', true],
    ['order-12', 'matches', '^order-\\d{4}$', false],
  ];

  it.each(cases)('%j %s %j is %s', async (left, operator, right, expected) => {
    expect(await compareValues({ left, operator, right })).toBe(expected);
  });
});

describe('condition node with matches', () => {
  const matching = (pattern: unknown, text = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'): ConditionConfig => ({
    cases: [{ id: 'hit', logic: 'and', conditions: [{ left: text, operator: 'matches', right: pattern }] }],
  });

  it('refuses a nested repetition with CONDITION_PATTERN_REFUSED', async () => {
    const { step } = await runOneNode({ nodeType: conditionNode, config: matching('^(a+)+$') });

    expect(step.error?.code).toBe('CONDITION_PATTERN_REFUSED');
  });

  it('fails with CONDITION_PATTERN_INVALID on a pattern that does not compile or is not text', async () => {
    const broken = await runOneNode({ nodeType: conditionNode, config: matching('(unclosed') });
    const notText = await runOneNode({ nodeType: conditionNode, config: matching(42) });

    expect(broken.step.error?.code).toBe('CONDITION_PATTERN_INVALID');
    expect(notText.step.error?.code).toBe('CONDITION_PATTERN_INVALID');
  });

  it('stops a runaway match the pre-check misses with CONDITION_PATTERN_FAILED', async () => {
    // (a|a)* has no nested quantifier, yet backtracks exponentially on a long run of "a" without a match.
    const { step } = await runOneNode({ nodeType: conditionNode, config: matching('^(a|a)*$') });

    expect(step.error?.code).toBe('CONDITION_PATTERN_FAILED');
    expect(step.error?.message).toMatch(/did not finish/);
  });

  it('stops a running match at once when the signal aborts, with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    setTimeout(() => controller.abort(reason), 50);

    const run = conditionNode.run(nodeContext(matching('^(a|a)*$'), { signal: controller.signal }));

    await expect(run).rejects.toBe(reason);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already cancelled'));

    const run = conditionNode.run(nodeContext(matching('^a'), { signal: controller.signal }));

    await expect(run).rejects.toThrow('already cancelled');
  });
});

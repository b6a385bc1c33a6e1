import { describe, expect, it } from 'vitest';
import { graph, testRegistry } from './executor.test-helpers.js';
import { validateWorkflow } from './validate-workflow.js';

const registry = testRegistry();

function codes(issues: Array<{ code: string; node_id?: string }>) {
  return issues.map((issue) => `${issue.code}${issue.node_id ? `@${issue.node_id}` : ''}`);
}

describe('validateWorkflow', () => {
  //   start -> a -> end
  it('accepts a well-formed graph', () => {
    const valid = graph([['start', 'start'], ['a', 'echo', { value: '{{start.input.x}} {{env.KEY}}' }], ['end', 'end', { outputs: { v: '{{a.output.value}}' } }]], ['start->a', 'a->end']);

    expect(validateWorkflow(valid, { registry, envNames: ['KEY'] })).toEqual([]);
  });

  it('reports a missing start, a second start, and no reachable end', () => {
    const noStart = graph([['a', 'echo'], ['end', 'end']], ['a->end']);
    const twoStarts = graph([['s1', 'start'], ['s2', 'start'], ['end', 'end']], ['s1->end', 's2->end']);
    //   start -> a        end (not connected)
    const noEnd = graph([['start', 'start'], ['a', 'echo'], ['end', 'end']], ['start->a']);

    expect(codes(validateWorkflow(noStart, { registry }))).toEqual(['START_COUNT']);
    expect(codes(validateWorkflow(twoStarts, { registry }))).toEqual(['START_COUNT']);
    expect(codes(validateWorkflow(noEnd, { registry }))).toEqual(['END_UNREACHABLE@start', 'NODE_UNREACHABLE@end']);
  });

  it('reports dangling edges, self loops and cycles', () => {
    const dangling = graph([['start', 'start'], ['end', 'end']], ['start->end', 'start->ghost']);
    //   start -> a -> b -> a (cycle) ; b -> end
    const cyclic = graph([['start', 'start'], ['a', 'echo'], ['b', 'echo'], ['end', 'end']], ['start->a', 'a->b', 'b->a', 'b->end']);

    expect(codes(validateWorkflow(dangling, { registry }))).toEqual(['DANGLING_EDGE']);
    expect(codes(validateWorkflow(cyclic, { registry }))).toEqual(['CYCLE']);
  });

  it('reports unknown types, invalid configs (but not references), unknown branches and unused error edges', () => {
    const broken = graph(
      [
        ['start', 'start', { inputs: 'x' }],
        ['mystery', 'teleport'],
        ['flaky', 'flaky', { failures: '{{start.input.n}}' }],
        ['bad', 'flaky', { failures: 'many' }],
        ['ask', 'wait'],
        ['end', 'end'],
      ],
      ['start->mystery', 'start->flaky', 'start->bad', 'start->ask', 'ask-(maybe)->end', 'flaky-(error)->end', 'mystery->end', 'bad->end'],
    );

    expect(codes(validateWorkflow(broken, { registry }))).toEqual([
      'NODE_CONFIG_INVALID@start',
      'NODE_TYPE_UNKNOWN@mystery',
      'ERROR_EDGE_UNUSED@flaky',
      'NODE_CONFIG_INVALID@bad',
      'UNKNOWN_BRANCH@ask',
    ]);
  });

  //   start -> a -> end ; start -> b -> end  (b cannot see a)
  it('reports variables that point at nothing, at a later node, or at an unknown env name', () => {
    const references = graph(
      [['start', 'start'], ['a', 'echo', { value: '{{b.output.value}}' }], ['b', 'echo', { value: '{{ghost.output}} {{env.NOPE}}' }], ['end', 'end', { outputs: { v: '{{a.output.value}}' } }]],
      ['start->a', 'start->b', 'a->end', 'b->end'],
    );

    const issues = validateWorkflow(references, { registry, envNames: [] });

    expect(codes(issues)).toEqual(['UNKNOWN_VARIABLE@a', 'UNKNOWN_VARIABLE@b', 'UNKNOWN_VARIABLE@b']);
    expect(issues[0]!.message).toContain('"b" is not a node that runs before "a"');
  });

  //   start -> n1 -> n2 -> ... -> n300 -> end   (ancestor sets span many 32-bit words)
  //   start -> side -> end                       (a parallel branch)
  it('sees every ancestor of a long chain and none of a parallel branch', () => {
    const ids = Array.from({ length: 300 }, (_, index) => `n${index + 1}`);
    const nodes: Array<[string, string, Record<string, unknown>?]> = [
      ['start', 'start'],
      ...ids.map((id, index): [string, string, Record<string, unknown>] => [id, 'echo', { value: index === 299 ? '{{n1.output.value}} {{n40.output.value}} {{side.output.value}}' : index === 0 ? '{{n300.output.value}}' : 'x' }]),
      ['side', 'echo'],
      ['end', 'end', { outputs: { last: '{{n300.output.value}}', side: '{{side.output.value}}' } }],
    ];
    const edges = ['start->n1', ...ids.slice(1).map((id, index) => `${ids[index]}->${id}`), 'n300->end', 'start->side', 'side->end'];

    const issues = validateWorkflow(graph(nodes, edges), { registry });

    // n300 may use n1 and n40 (they run before it) but not side; n1 may not use n300 (after it).
    expect(issues.map((issue) => issue.message)).toEqual([
      '{{n300.output.value}}: "n300" is not a node that runs before "n1"',
      '{{side.output.value}}: "side" is not a node that runs before "n300"',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { runOneNode } from './logic.test-helpers.js';
import { variableAssignerNode } from './variable-assigner.node.js';

// Every test runs:  start -> subject (variable_assigner) -> end { result: {{subject.output}} }

describe('variable_assigner node', () => {
  it('outputs constants and resolved references, a whole reference keeping its type', async () => {
    const config = {
      assignments: {
        greeting: 'Hello {{start.output.name}}',
        tags: '{{start.output.tags}}',
        limit: 10,
        nested: { count: '{{start.output.count}}' },
      },
    };

    const { result, step } = await runOneNode({ nodeType: variableAssignerNode, config, input: { name: 'Ada', tags: ['a'], count: 3 } });

    const expected = { greeting: 'Hello Ada', tags: ['a'], limit: 10, nested: { count: 3 } };
    expect(step.output).toEqual(expected);
    expect(result.output).toEqual({ result: expected });
  });

  it('turns a reference to a missing value into null, keeping the name', async () => {
    const { step } = await runOneNode({ nodeType: variableAssignerNode, config: { assignments: { absent: '{{start.output.nothing}}' } } });

    expect(step.output).toEqual({ absent: null });
    expect(Object.keys(step.output!)).toEqual(['absent']);
  });

  it.each([
    ['a name with a dot', { assignments: { 'a.b': 1 } }],
    ['a name starting with a digit', { assignments: { '1st': 1 } }],
    ['assignments that are a list', { assignments: [1, 2] }],
    ['no assignments field', {}],
  ])('fails with NODE_CONFIG_INVALID on %s', async (_, config) => {
    const { step } = await runOneNode({ nodeType: variableAssignerNode, config });

    expect(step.error?.code).toBe('NODE_CONFIG_INVALID');
  });

  it('refuses more than 100 assignments', async () => {
    const assignments = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`name_${index}`, index]));

    const { step } = await runOneNode({ nodeType: variableAssignerNode, config: { assignments } });

    expect(step.error?.code).toBe('NODE_CONFIG_INVALID');
  });
});

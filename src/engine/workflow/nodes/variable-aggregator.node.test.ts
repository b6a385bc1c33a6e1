import { describe, expect, it } from 'vitest';
import type { WorkflowGraph } from '../definition.js';
import { conditionNode } from './condition.node.js';
import { runGraph, runOneNode } from './logic.test-helpers.js';
import { templateNode } from './template.node.js';
import { variableAggregatorNode } from './variable-aggregator.node.js';

//          start
//            |
//          route (condition: tier equals gold)
//    gold /      \ else
//   vip_text    plain_text     (templates)
//         \      /
//          merge (variable_aggregator)
//            |
//           end
const graph: WorkflowGraph = {
  nodes: [
    { id: 'start', type: 'start', config: {} },
    {
      id: 'route',
      type: 'condition',
      config: { cases: [{ id: 'gold', logic: 'and', conditions: [{ left: '{{start.output.tier}}', operator: 'equals', right: 'gold' }] }] },
    },
    { id: 'vip_text', type: 'template', config: { template: 'Welcome back, {{start.output.name}}!' } },
    { id: 'plain_text', type: 'template', config: { template: 'Hello {{start.output.name}}.' } },
    { id: 'merge', type: 'variable_aggregator', config: { variables: ['{{vip_text.output.text}}', '{{plain_text.output.text}}'] } },
    { id: 'end', type: 'end', config: { message: '{{merge.output.value}}' } },
  ],
  edges: [
    { source: 'start', target: 'route' },
    { source: 'route', target: 'vip_text', source_handle: 'gold' },
    { source: 'route', target: 'plain_text', source_handle: 'else' },
    { source: 'vip_text', target: 'merge' },
    { source: 'plain_text', target: 'merge' },
    { source: 'merge', target: 'end' },
  ],
};
const nodeTypes = [conditionNode, templateNode, variableAggregatorNode];

describe('variable_aggregator node', () => {
  it('picks the output of the branch that ran', async () => {
    const gold = await runGraph({ graph, nodeTypes, input: { tier: 'gold', name: 'Ada' } });
    const plain = await runGraph({ graph, nodeTypes, input: { tier: 'bronze', name: 'Bob' } });

    expect(gold.result.output).toEqual({ message: 'Welcome back, Ada!' });
    expect(gold.steps.get('plain_text')?.status).toBe('skipped');
    expect(gold.steps.get('merge')?.output).toEqual({ value: 'Welcome back, Ada!', values: ['Welcome back, Ada!'] });
    expect(plain.result.output).toEqual({ message: 'Hello Bob.' });
    expect(plain.steps.get('vip_text')?.status).toBe('skipped');
  });

  it('keeps every present value in order and their types, skipping null and missing ones', async () => {
    const config = { variables: ['{{start.output.absent}}', null, '{{start.output.list}}', 0, ''] };

    const { step } = await runOneNode({ nodeType: variableAggregatorNode, config, input: { list: [1] } });

    expect(step.output).toEqual({ value: [1], values: [[1], 0, ''] });
  });

  it('outputs value null when nothing is present', async () => {
    const { step } = await runOneNode({ nodeType: variableAggregatorNode, config: { variables: ['{{start.output.absent}}', null] } });

    expect(step.output).toEqual({ value: null, values: [] });
  });

  it('fails with NODE_CONFIG_INVALID on an empty or missing list', async () => {
    const empty = await runOneNode({ nodeType: variableAggregatorNode, config: { variables: [] } });
    const missing = await runOneNode({ nodeType: variableAggregatorNode, config: { value: 1 } });

    expect(empty.step.error?.code).toBe('NODE_CONFIG_INVALID');
    expect(missing.step.error?.code).toBe('NODE_CONFIG_INVALID');
  });
});

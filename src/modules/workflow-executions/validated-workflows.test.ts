import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { NodeTypeRegistry, type NodeType } from '../../engine/workflow/node-type.js';
import { endNode } from '../../engine/workflow/nodes/end.node.js';
import { startNode } from '../../engine/workflow/nodes/start.node.js';
import type { WorkflowDefinition } from '../../platform/db/schema/index.js';
import { ValidatedWorkflows } from './validated-workflows.js';

const laterNode: NodeType<Record<string, never>> = {
  type: 'registered_later',
  description: 'test: a node type registered after a workflow using it was first checked',
  configSchema: z.object({}),
  async run() {
    return { kind: 'done', output: {} };
  },
};

//   start -> work -> end
function version(workType: string): { id: string; version: number; definition: WorkflowDefinition } {
  const graph = {
    nodes: [
      { id: 'start', type: 'start', config: { inputs: [{ name: 'name', required: true }] } },
      { id: 'work', type: workType, config: {} },
      { id: 'end', type: 'end', config: {} },
    ],
    edges: [
      { source: 'start', target: 'work' },
      { source: 'work', target: 'end' },
    ],
  };
  return { id: randomUUID(), version: 1, definition: { name: 'w', description: '', graph, environment: {} } };
}

describe('ValidatedWorkflows', () => {
  it('validates a version once, and checks inputs against its start node every time', () => {
    const validated = new ValidatedWorkflows(new NodeTypeRegistry().register(startNode).register(endNode));
    const workflow = version('end');

    const first = validated.check(workflow);
    // A stored version never changes; were it to, the remembered verdict would still stand.
    workflow.definition.graph.nodes.push({ id: 'ghost', type: 'no_such_type', config: {} });
    const second = validated.check(workflow);

    expect(first({ name: 'Ada' })).toEqual([]);
    expect(second({})).toHaveLength(1);
    expect(second({})[0]).toContain('name');
  });

  it('does not remember an invalid version: a node type registered later makes it valid', () => {
    const registry = new NodeTypeRegistry().register(startNode).register(endNode);
    const validated = new ValidatedWorkflows(registry);
    const workflow = version(laterNode.type);

    expect(() => validated.check(workflow)).toThrow(expect.objectContaining({ code: 'WORKFLOW_INVALID' }));
    registry.register(laterNode);
    expect(validated.check(workflow)({ name: 'Ada' })).toEqual([]);
  });

  it('keeps at most `capacity` versions, forgetting the least recently used', () => {
    const registry = new NodeTypeRegistry().register(startNode).register(endNode);
    const validated = new ValidatedWorkflows(registry, 2);
    const [a, b, c] = [version('end'), version('end'), version('end')];
    validated.check(a);
    validated.check(b);
    validated.check(a);
    validated.check(c);
    // b was the least recently used: forgotten, so a broken b is found out; a is still remembered.
    b.definition.graph.nodes.push({ id: 'ghost', type: 'no_such_type', config: {} });
    a.definition.graph.nodes.push({ id: 'ghost', type: 'no_such_type', config: {} });

    expect(() => validated.check(b)).toThrow(expect.objectContaining({ code: 'WORKFLOW_INVALID' }));
    expect(() => validated.check(a)).not.toThrow();
  });
});

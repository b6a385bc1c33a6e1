import { describe, expect, it } from 'vitest';
import { attributeToNode, NodePlacer, type StepWindow } from './node-attribution.js';

const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms);

function window(nodeId: string, nodeType: string, start: number, end: number, output: Record<string, unknown> | null = null): StepWindow {
  return { nodeId, nodeType, startedAt: at(start), finishedAt: at(end), output };
}

describe('attributeToNode', () => {
  //   ask (llm) [0..10]  ->  fetch (tool) [10..20]  ->  render (template) [20..30]
  const sequence = [window('ask', 'llm', 0, 10), window('fetch', 'tool', 11, 20), window('render', 'template', 21, 30)];

  it('gives a call to the one node whose window holds it', () => {
    expect(attributeToNode(sequence, { kind: 'model_call', at: at(5) })).toBe('ask');
    expect(attributeToNode(sequence, { kind: 'tool_call', at: at(20) })).toBe('fetch');
  });

  it('leaves a call unplaced when no node that can make it was running', () => {
    expect(attributeToNode(sequence, { kind: 'model_call', at: at(25) })).toBeNull();
    expect(attributeToNode(sequence, { kind: 'tool_call', at: at(99) })).toBeNull();
  });

  //   left (llm)  [0..50]
  //   right (llm) [10..40]   both running at 20: which one called? unknown
  //   side (tool) [0..50]    cannot make a workflow run
  it('tells parallel nodes apart by type, and answers null when two could have made it', () => {
    const parallel = [window('left', 'llm', 0, 50), window('right', 'llm', 10, 40), window('side', 'tool', 0, 50), window('sub', 'sub_workflow', 0, 50)];

    expect(attributeToNode(parallel, { kind: 'model_call', at: at(5) })).toBeNull();
    expect(attributeToNode(parallel, { kind: 'model_call', at: at(20) })).toBeNull();
    expect(attributeToNode(parallel, { kind: 'workflow_run', at: at(20), runId: 'child' })).toBe('sub');
    expect(attributeToNode(parallel, { kind: 'tool_call', at: at(20) })).toBe('side');
  });

  it("places an agent's run by the run id in the node output, whatever the times say", () => {
    const steps = [window('first', 'agent', 0, 10, { run_id: 'run-a' }), window('second', 'agent', 0, 10, { run_id: 'run-b' })];

    expect(attributeToNode(steps, { kind: 'agent_run', at: at(5), runId: 'run-b' })).toBe('second');
    expect(attributeToNode(steps, { kind: 'agent_run', at: at(5), runId: 'run-c' })).toBeNull();
  });

  it('lets node types it does not know (loops, custom types) make anything', () => {
    expect(attributeToNode([window('each', 'iteration', 0, 10)], { kind: 'model_call', at: at(5) })).toBe('each');
    expect(attributeToNode([window('mine', 'my_custom_type', 0, 10)], { kind: 'tool_call', at: at(5) })).toBe('mine');
  });
});

describe('NodePlacer', () => {
  it('places records only among the steps of their own run', () => {
    const placer = new NodePlacer([
      { runId: 'parent', ...window('call', 'sub_workflow', 0, 100) },
      { runId: 'child', ...window('think', 'llm', 10, 20) },
    ]);

    expect(placer.modelCall({ runId: 'child', createdAt: at(15) })).toBe('think');
    expect(placer.modelCall({ runId: 'parent', createdAt: at(15) })).toBeNull();
    expect(placer.nestedRun({ id: 'child', kind: 'workflow', parentRunId: 'parent', createdAt: at(5) })).toBe('call');
    expect(placer.toolCall({ runId: null, createdAt: at(5) })).toBeNull();
  });
});

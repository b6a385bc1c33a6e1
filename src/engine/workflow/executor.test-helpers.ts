import { z } from 'zod';
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from './definition.js';
import { NodeTypeRegistry, type NodeType } from './node-type.js';
import { NodeError } from './run-node.js';
import type { WorkflowServices } from './workflow-services.js';
import { endNode } from './nodes/end.node.js';
import { startNode } from './nodes/start.node.js';

/** Calls of the test node types, in order, so tests can tell what ran (and what did not run again). */
export const calls: string[] = [];

const echoNode: NodeType<{ value?: unknown; branch?: string; delay_ms?: number }> = {
  type: 'echo',
  description: 'test: outputs {value}, optionally after a delay and on a branch',
  configSchema: z.object({ value: z.unknown().optional(), branch: z.string().optional(), delay_ms: z.number().optional() }),
  branches: (config) => (config.branch ? ['a', 'b'] : []),
  async run({ node, config, signal }) {
    calls.push(node.id);
    if (config.delay_ms) await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, config.delay_ms);
      signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
    });
    return { kind: 'done', output: { value: config.value ?? null }, ...(config.branch ? { branch: config.branch } : {}) };
  },
};

const noteNode: NodeType<{ value?: unknown }> = {
  type: 'note',
  description: 'test: outputs {value}; pure, like a template',
  configSchema: z.object({ value: z.unknown().optional() }),
  pure: true,
  async run({ node, config }) {
    calls.push(node.id);
    return { kind: 'done', output: { value: config.value ?? null } };
  },
};

const flakyNode: NodeType<{ failures: number }> = {
  type: 'flaky',
  description: 'test: fails its first `failures` attempts',
  configSchema: z.object({ failures: z.number() }),
  async run({ node, config, attempt }) {
    calls.push(node.id);
    if (attempt <= config.failures) throw new NodeError(`attempt ${attempt} failed`, 'FLAKY');
    return { kind: 'done', output: { attempt } };
  },
};

const waitNode: NodeType<Record<string, never>> = {
  type: 'wait',
  description: 'test: waits for a decision',
  configSchema: z.object({}),
  branches: () => ['yes', 'no'],
  async run({ node, resumeData }) {
    calls.push(node.id);
    if (!resumeData) return { kind: 'wait', request: { question: 'ok?' } };
    return { kind: 'done', output: resumeData, branch: String(resumeData.answer) };
  },
};

/** Start, end and the test node types (`note` is pure; `echo`, `flaky` and `wait` are treated as having effects). */
export function testRegistry(): NodeTypeRegistry {
  return new NodeTypeRegistry().register(startNode).register(endNode).register(echoNode).register(noteNode).register(flakyNode).register(waitNode);
}

/** Services no test node uses: every call is a test bug. */
export const unusedServices = new Proxy({} as WorkflowServices, {
  get: (_target, name) => () => Promise.reject(new Error(`unexpected service call ${String(name)}`)),
});

/** A graph from nodes `[id, type, config?, policy?]` and edges "a->b" or "a-(handle)->b". */
export function graph(nodes: Array<[string, string, Record<string, unknown>?, WorkflowNode['error_policy']?]>, edges: string[]): WorkflowGraph {
  return {
    nodes: nodes.map(([id, type, config, policy]) => ({ id, type, config: config ?? {}, ...(policy ? { error_policy: policy } : {}) })),
    edges: edges.map((text): WorkflowEdge => {
      const match = /^(\w+)(?:-\((\w+)\))?->(\w+)$/.exec(text);
      if (!match) throw new Error(`bad edge ${text}`);
      return { source: match[1]!, target: match[3]!, ...(match[2] ? { source_handle: match[2] } : {}) };
    }),
  };
}

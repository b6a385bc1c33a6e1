import { z } from 'zod';
import type { WorkflowGraph, WorkflowNode } from '../definition.js';
import { runWorkflow, type WorkflowResult } from '../executor.js';
import { NodeTypeRegistry, type NodeContext, type NodeType } from '../node-type.js';
import { memoryCheckpoint, type StepRecord } from '../step-record.js';
import { lookupPath } from '../variables.js';
import type { WorkflowServices } from '../workflow-services.js';

/** A start node for these tests only: its output is the execution's input (read it as {{start.output.x}}). */
export const testStartNode: NodeType<Record<string, unknown>> = {
  type: 'start',
  description: 'Test start: outputs the input.',
  configSchema: z.record(z.string(), z.unknown()),
  async run({ scope }) {
    return { kind: 'done', output: { ...(lookupPath(scope, 'start.input') as Record<string, unknown>) } };
  },
};

/** An end node for these tests only: its output is its config, variables resolved. */
export const testEndNode: NodeType<Record<string, unknown>> = {
  type: 'end',
  description: 'Test end: outputs its config.',
  configSchema: z.record(z.string(), z.unknown()),
  async run({ config }) {
    return { kind: 'done', output: config };
  },
};

/** One call that reached the fake services. */
export interface ServiceCall {
  method: keyof WorkflowServices;
  options: Record<string, unknown>;
}

/** Fake {@link WorkflowServices} that record every call; a method not scripted throws. */
export type FakeServices = WorkflowServices & { calls: ServiceCall[] };

/** Builds fake services from the methods a test scripts; every call is recorded in `calls` in order. */
export function fakeServices(scripted: Partial<WorkflowServices> = {}): FakeServices {
  const calls: ServiceCall[] = [];
  const method = <Name extends keyof WorkflowServices>(name: Name): WorkflowServices[Name] =>
    (async (options: Record<string, unknown>) => {
      calls.push({ method: name, options });
      const implementation = scripted[name] as ((options: unknown) => Promise<unknown>) | undefined;
      if (!implementation) throw new Error(`the fake services have no ${name} scripted`);
      return implementation(options);
    }) as unknown as WorkflowServices[Name];
  return {
    calls,
    generate: method('generate'),
    askAgent: method('askAgent'),
    searchKnowledge: method('searchKnowledge'),
    callTool: method('callTool'),
    httpRequest: method('httpRequest'),
    runCode: method('runCode'),
    runWorkflow: method('runWorkflow'),
  };
}

/** What {@link runGraph} needs: the graph, the node types under test, and optionally input, services, signal. */
export interface RunGraphOptions {
  graph: WorkflowGraph;
  nodeTypes: NodeType<unknown>[];
  input?: Record<string, unknown>;
  services?: WorkflowServices;
  signal?: AbortSignal;
}

/** Runs a graph with the test start/end nodes and the given node types; returns the result and every step by node id. */
export async function runGraph(options: RunGraphOptions): Promise<{ result: WorkflowResult; steps: Map<string, StepRecord> }> {
  const registry = new NodeTypeRegistry().register(testStartNode).register(testEndNode);
  for (const nodeType of options.nodeTypes) registry.register(nodeType);
  const checkpoint = memoryCheckpoint();
  const result = await runWorkflow({
    graph: options.graph,
    input: options.input ?? {},
    registry,
    services: options.services ?? fakeServices(),
    checkpoint,
    signal: options.signal ?? new AbortController().signal,
  });
  return { result, steps: new Map(checkpoint.steps.map((step) => [step.nodeId, step])) };
}

/** What {@link runOneNode} needs: the node type and its config, and optionally input, services, signal, policy. */
export interface RunOneNodeOptions {
  nodeType: NodeType<unknown>;
  config: Record<string, unknown>;
  input?: Record<string, unknown>;
  services?: WorkflowServices;
  signal?: AbortSignal;
  errorPolicy?: WorkflowNode['error_policy'];
}

/**
 * Runs `start -> subject -> end`, where subject is a node of the type under test and end outputs
 * `{ result: {{subject.output}} }`; returns the execution's result and the subject's step.
 */
export async function runOneNode(options: RunOneNodeOptions): Promise<{ result: WorkflowResult; step: StepRecord }> {
  const subject: WorkflowNode = {
    id: 'subject',
    type: options.nodeType.type,
    config: options.config,
    ...(options.errorPolicy ? { error_policy: options.errorPolicy } : {}),
  };
  const graph: WorkflowGraph = {
    nodes: [
      { id: 'start', type: 'start', config: {} },
      subject,
      { id: 'end', type: 'end', config: { result: '{{subject.output}}' } },
    ],
    edges: [
      { source: 'start', target: 'subject' },
      { source: 'subject', target: 'end' },
    ],
  };
  const { result, steps } = await runGraph({ ...options, graph, nodeTypes: [options.nodeType] });
  return { result, step: steps.get('subject')! };
}

/**
 * A service method that never answers by itself: once called it aborts `controller` (as a user's
 * cancel would) and rejects with its signal's reason, as a real service does.
 */
export function hangsUntilAborted(controller: AbortController): (options: { signal: AbortSignal }) => Promise<never> {
  return (options) =>
    new Promise<never>((_, reject) => {
      options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true });
      setTimeout(() => controller.abort(new Error('cancelled by the test')), 0);
    });
}

/** A context for calling a node type's `run` directly, with the config taken as already validated. */
export function nodeContext<Config>(config: Config, changes: Partial<NodeContext<Config>> = {}): NodeContext<Config> {
  return {
    node: { id: 'subject', type: 'test', config: {} },
    config,
    scope: {},
    signal: new AbortController().signal,
    services: fakeServices(),
    emit: () => {},
    runSubgraph: () => Promise.reject(new Error('no subgraphs in these tests')),
    attempt: 1,
    ...changes,
  };
}

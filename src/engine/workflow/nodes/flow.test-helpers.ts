import { z } from 'zod';
import { tokenUsage } from '../../../platform/llm/llm-call.js';
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from '../definition.js';
import { runWorkflow, type RunWorkflowOptions, type WorkflowEvent, type WorkflowResult } from '../executor.js';
import { NodeTypeRegistry, type NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';
import { memoryCheckpoint, type StepRecord } from '../step-record.js';
import type { WorkflowServices } from '../workflow-services.js';
import { humanApprovalNode } from './human-approval.node.js';
import { iterationNode } from './iteration.node.js';
import { loopNode } from './loop.node.js';
import { subWorkflowNode } from './sub-workflow.node.js';

/** What the test-only node types saw: a log of their runs and how many ran at once. */
export interface FlowProbe {
  /** "double 3", "guard 2 start", "guard 2 end" ... in the order they happened. */
  log: string[];
  active: number;
  maxActive: number;
}

/** Lets other callbacks run: `ticks` turns of the event loop. */
async function yieldTicks(ticks: number): Promise<void> {
  for (let tick = 0; tick < ticks; tick++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Test-only node types for nested bodies. `double` ({value, ticks?}) outputs {value: 2 × value}
 * with usage 1 + 1 tokens after blocking `ticks` event-loop turns, counting concurrent runs;
 * `append` ({text, suffix}) outputs {text: text + suffix}; `guard` ({value, fail?, ticks?})
 * fails with TEST_GUARD when `fail`; `collect` outputs its resolved config; `hang` waits for
 * its signal.
 */
function testNodeTypes(probe: FlowProbe): NodeType<never>[] {
  const double: NodeType<{ value: number; ticks: number }> = {
    type: 'double',
    description: 'Doubles a number (test only)',
    configSchema: z.object({ value: z.number(), ticks: z.number().int().min(0).default(0) }),
    async run({ config }) {
      probe.log.push(`double ${config.value}`);
      probe.active += 1;
      probe.maxActive = Math.max(probe.maxActive, probe.active);
      await yieldTicks(config.ticks);
      probe.active -= 1;
      return { kind: 'done', output: { value: config.value * 2 }, usage: tokenUsage(1, 1) };
    },
  };
  const append: NodeType<{ text: unknown; suffix: string }> = {
    type: 'append',
    description: 'Appends a suffix (test only)',
    configSchema: z.object({ text: z.unknown(), suffix: z.string() }),
    run: async ({ config }) => ({ kind: 'done', output: { text: `${String(config.text)}${config.suffix}` } }),
  };
  const guard: NodeType<{ value: unknown; fail: boolean; ticks: number }> = {
    type: 'guard',
    description: 'Fails on demand (test only)',
    configSchema: z.object({ value: z.unknown(), fail: z.boolean().default(false), ticks: z.number().int().default(0) }),
    async run({ config }) {
      probe.log.push(`guard ${String(config.value)} start`);
      await yieldTicks(config.ticks);
      if (config.fail) throw new NodeError(`guard refused ${String(config.value)}`, 'TEST_GUARD');
      probe.log.push(`guard ${String(config.value)} end`);
      return { kind: 'done', output: { value: config.value } };
    },
  };
  const collect: NodeType<Record<string, unknown>> = {
    type: 'collect',
    description: 'Outputs its config (test only)',
    configSchema: z.record(z.string(), z.unknown()),
    run: async ({ config }) => ({ kind: 'done', output: config }),
  };
  const hang: NodeType<Record<string, unknown>> = {
    type: 'hang',
    description: 'Waits for its signal (test only)',
    configSchema: z.record(z.string(), z.unknown()),
    run: ({ signal }) =>
      new Promise((_, reject) => {
        probe.log.push('hang');
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  return [double, append, guard, collect, hang] as unknown as NodeType<never>[];
}

/** A `WorkflowServices` whose only scripted method is `runWorkflow`; it records what it was sent. */
export function fakeFlowServices(runSubWorkflow?: WorkflowServices['runWorkflow']): {
  services: WorkflowServices;
  subWorkflowCalls: Array<{ workflowId: string; input: Record<string, unknown> }>;
} {
  const subWorkflowCalls: Array<{ workflowId: string; input: Record<string, unknown> }> = [];
  const unused = async (): Promise<never> => {
    throw new Error('not used by the flow nodes');
  };
  const services: WorkflowServices = {
    generate: unused,
    askAgent: unused,
    searchKnowledge: unused,
    callTool: unused,
    httpRequest: unused,
    runCode: unused,
    async runWorkflow(options) {
      subWorkflowCalls.push({ workflowId: options.workflowId, input: options.input });
      if (!runSubWorkflow) throw new Error('runWorkflow is not scripted');
      return runSubWorkflow(options);
    },
  };
  return { services, subWorkflowCalls };
}

/** A node of a test graph. */
export function node(id: string, type: string, config: Record<string, unknown> = {}, extra: Partial<WorkflowNode> = {}): WorkflowNode {
  return { id, type, config, ...extra };
}

/** An edge of a test graph, optionally from a branch handle. */
export function edge(source: string, target: string, sourceHandle?: string): WorkflowEdge {
  return sourceHandle === undefined ? { source, target } : { source, target, source_handle: sourceHandle };
}

/** A graph whose nodes run one after another in the order given. */
export function chain(...nodes: WorkflowNode[]): WorkflowGraph {
  return { nodes, edges: nodes.slice(1).map((next, index) => edge(nodes[index]!.id, next.id)) };
}

/** What {@link FlowHarness.run} returns: the result, the steps recorded this run, and the events. */
export interface FlowRun {
  result: WorkflowResult;
  steps: StepRecord[];
  events: WorkflowEvent[];
  step(nodeId: string): StepRecord | undefined;
}

/** An in-memory checkpoint that lists the steps it recorded. */
export type MemoryCheckpoint = ReturnType<typeof memoryCheckpoint>;

/** Options of {@link FlowHarness.run}; the harness supplies the registry, services and event sink. */
export type FlowRunOptions = Partial<Omit<RunWorkflowOptions, 'graph' | 'registry' | 'services' | 'checkpoint' | 'emit'>> & {
  checkpoint?: MemoryCheckpoint;
};

/** A registry with the four flow nodes and the test node types, fake services, and a runner. */
export interface FlowHarness {
  probe: FlowProbe;
  services: WorkflowServices;
  subWorkflowCalls: Array<{ workflowId: string; input: Record<string, unknown> }>;
  run(graph: WorkflowGraph, options?: FlowRunOptions): Promise<FlowRun>;
}

/** A fresh harness per test (no shared mutable state between tests). */
export function createFlowHarness(runSubWorkflow?: WorkflowServices['runWorkflow']): FlowHarness {
  const probe: FlowProbe = { log: [], active: 0, maxActive: 0 };
  const registry = new NodeTypeRegistry().register(iterationNode).register(loopNode).register(subWorkflowNode).register(humanApprovalNode);
  for (const nodeType of testNodeTypes(probe)) registry.register(nodeType);
  const { services, subWorkflowCalls } = fakeFlowServices(runSubWorkflow);
  return {
    probe,
    services,
    subWorkflowCalls,
    async run(graph, options = {}) {
      const checkpoint = options.checkpoint ?? memoryCheckpoint();
      const events: WorkflowEvent[] = [];
      const result = await runWorkflow({
        input: {},
        signal: new AbortController().signal,
        ...options,
        graph,
        registry,
        services,
        checkpoint,
        emit: (event) => events.push(event),
      });
      const steps = checkpoint.steps;
      return { result, steps, events, step: (nodeId) => steps.find((step) => step.nodeId === nodeId) };
    },
  };
}

/** The checkpoint a resumed execution starts from: every step of an earlier run, by node id. */
export function checkpointAfter(run: FlowRun): MemoryCheckpoint {
  return memoryCheckpoint(new Map(run.steps.map((step) => [step.nodeId, step])));
}

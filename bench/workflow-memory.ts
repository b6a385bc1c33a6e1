/**
 * bench:workflow, in memory: `runWorkflow` on no-op graphs with the default in-memory checkpoint,
 * against the baseline of calling every node's own `run` once, directly, in the same order. The
 * difference is the engine: edge bookkeeping, scope snapshots, variable resolution, config
 * validation, the error policy, step records and events.
 */
import { runWorkflow, type WorkflowEvent } from '../src/engine/workflow/executor.js';
import type { WorkflowGraph } from '../src/engine/workflow/definition.js';
import type { NodeContext, NodeTypeRegistry } from '../src/engine/workflow/node-type.js';
import type { WorkflowServices } from '../src/engine/workflow/workflow-services.js';
import { BenchFailure } from './bench-kit.js';
import { sampleSequentially, summarizeLatencies, type LatencySummary } from './latency-kit.js';
import { benchGraph, benchRegistry, type GraphShape } from './workflow-graphs.js';

/** One series: a graph shape and size, how often it ran, and both distributions (ms per execution). */
export interface MemorySeries {
  readonly shape: GraphShape;
  readonly nodes: number;
  readonly repetitions: number;
  readonly engine: LatencySummary;
  readonly baseline: LatencySummary;
  /** CPU time of this process per measured engine execution (ms, mean): what contention cannot inflate much. */
  readonly engineCpuMs: number;
  /** Events the engine emitted per execution (node-start + node-finish per node). */
  readonly eventsPerExecution: number;
}

/** No node of the bench calls a service: any call is a bench bug. */
const noServices = new Proxy({} as WorkflowServices, {
  get: (_target, name) => () => Promise.reject(new Error(`bench: unexpected service call ${String(name)}`)),
});

async function timeEngine(graph: WorkflowGraph, registry: NodeTypeRegistry): Promise<{ ms: number; cpuMs: number; events: number }> {
  let events = 0;
  const emit = (_event: WorkflowEvent) => void (events += 1);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await runWorkflow({ graph, input: {}, registry, services: noServices, signal: new AbortController().signal, emit });
  const ms = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  if (result.status !== 'succeeded') throw new BenchFailure(`in-memory execution ended ${result.status}: ${JSON.stringify(result.error)}`);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, events };
}

/** The contexts of the direct calls, built before the clock starts (the engine builds its own inside). */
function directContexts(graph: WorkflowGraph, registry: NodeTypeRegistry) {
  const signal = new AbortController().signal;
  const scope = { start: { input: {} } };
  return graph.nodes.map((node) => {
    const nodeType = registry.find(node.type);
    if (!nodeType) throw new BenchFailure(`no node type ${node.type}`);
    const context: NodeContext<unknown> = {
      node,
      config: nodeType.configSchema.parse(node.config),
      scope,
      signal,
      services: noServices,
      emit: () => undefined,
      runSubgraph: () => Promise.reject(new Error('bench: no subgraphs')),
      attempt: 1,
    };
    return { nodeType, context };
  });
}

async function timeDirect(calls: ReturnType<typeof directContexts>): Promise<number> {
  const startedAt = performance.now();
  for (const { nodeType, context } of calls) {
    const outcome = await nodeType.run(context);
    if (outcome.kind !== 'done') throw new BenchFailure('a bench node did not finish');
  }
  return performance.now() - startedAt;
}

/**
 * Measures one graph: `warmup` uncounted executions of each side, then `repetitions` measured
 * ones, engine and baseline interleaved so that a burst of load elsewhere hits both alike.
 */
export async function measureMemorySeries(options: {
  shape: GraphShape;
  nodes: number;
  repetitions: number;
  warmup: number;
}): Promise<MemorySeries> {
  const registry = benchRegistry();
  const graph = benchGraph(options.shape, options.nodes);
  const calls = directContexts(graph, registry);
  let eventsPerExecution = 0;
  for (let index = 0; index < options.warmup; index++) {
    eventsPerExecution = (await timeEngine(graph, registry)).events;
    await timeDirect(calls);
  }
  const baselineSamples: number[] = [];
  let engineCpuMs = 0;
  const engineSamples = await sampleSequentially(options.repetitions, async () => {
    baselineSamples.push(await timeDirect(calls));
    const { ms, cpuMs } = await timeEngine(graph, registry);
    engineCpuMs += cpuMs;
    return ms;
  });
  return {
    shape: options.shape,
    nodes: options.nodes,
    repetitions: options.repetitions,
    engine: summarizeLatencies(engineSamples),
    baseline: summarizeLatencies(baselineSamples),
    engineCpuMs: engineCpuMs / options.repetitions,
    eventsPerExecution,
  };
}

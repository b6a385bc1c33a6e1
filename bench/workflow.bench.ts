/**
 * npm run bench:workflow — the workflow engine's own cost: µs per node of a no-op graph in memory,
 * ms per node of a no-op chain executed durably (a step row and the run events stored per node),
 * and two-node executions per second triggered by webhook calls. Every figure is printed with its
 * ratio to a baseline measured in the same run (the nodes' own run functions called directly; the
 * bare step-row writes; GET /health and /auth/me), and PASS/MISS against the issue's targets.
 * docs/benchmarks.md explains the options and how to read the output.
 *
 * Targets databases: the embedded PGlite in a temporary directory, and a fresh database on the
 * PostgreSQL at WORKFLOW_BENCH_POSTGRES_URL when it answers; both are removed at the end.
 */
import { BenchFailure, describeMachine, loadText, readBenchCount } from './bench-kit.js';
import { disposeOnSignal, isReachable } from './kb-target.js';
import { measureDurableSeries, type DurableSeries } from './workflow-durable.js';
import type { GraphShape, WorkKind } from './workflow-graphs.js';
import { measureMemorySeries, type MemorySeries } from './workflow-memory.js';
import { printWorkflowReport, type SkippedTarget } from './workflow-report.js';
import { openWorkflowTarget, type WorkflowTarget, type WorkflowTargetName } from './workflow-target.js';
import { measureWebhooks, type WebhookReport } from './workflow-webhooks.js';

type Part = 'memory' | 'durable' | 'webhooks';

/** The knobs of a run; every one has a WORKFLOW_BENCH_* variable (docs/benchmarks.md). */
interface WorkflowBenchOptions {
  readonly parts: readonly Part[];
  readonly targets: readonly WorkflowTargetName[];
  /** Work nodes of the durable chains: pure no-ops, no-ops treated as nodes with effects. */
  readonly kinds: readonly WorkKind[];
  readonly postgresUrl: string;
  /** Graph sizes in nodes (start and end included). */
  readonly sizes: readonly number[];
  /** In-memory repetitions of a 100-node graph; other sizes get as many nodes in all (at least 20). */
  readonly memoryRepetitions: number;
  /** Durable repetitions of the 100-node chain; the 1,000-node chain gets a tenth (at least 2). */
  readonly durableRepetitions: number;
  readonly calls: number;
  readonly connections: number;
  readonly warmupCalls: number;
  readonly queueConcurrency: number;
}

function readList<T extends string>(name: string, fallback: string, allowed: readonly T[]): T[] {
  const names = (process.env[name]?.trim() || fallback).split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of names) if (!allowed.includes(item as T)) throw new BenchFailure(`${name}: unknown "${item}" (${allowed.join(', ')})`);
  return [...new Set(names as T[])];
}

function readSizes(): number[] {
  const text = process.env.WORKFLOW_BENCH_SIZES?.trim() || '100,1000';
  const sizes = text.split(',').map((item) => Number(item.trim()));
  // 1,000 is the most nodes a stored workflow may have (workflowGraphSchema).
  if (sizes.some((size) => !Number.isInteger(size) || size < 3 || size > 1000)) throw new BenchFailure(`WORKFLOW_BENCH_SIZES: "${text}" is not a list of whole numbers from 3 to 1000`);
  return sizes;
}

function readOptions(): WorkflowBenchOptions {
  return {
    parts: readList<Part>('WORKFLOW_BENCH_PARTS', 'memory,durable,webhooks', ['memory', 'durable', 'webhooks']),
    targets: readList<WorkflowTargetName>('WORKFLOW_BENCH_TARGETS', 'pglite,postgres', ['pglite', 'postgres']),
    kinds: readList<WorkKind>('WORKFLOW_BENCH_KINDS', 'pure,effects', ['pure', 'effects']),
    postgresUrl: process.env.WORKFLOW_BENCH_POSTGRES_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres',
    sizes: readSizes(),
    memoryRepetitions: readBenchCount('WORKFLOW_BENCH_MEMORY_REPS', 500),
    durableRepetitions: readBenchCount('WORKFLOW_BENCH_DURABLE_REPS', 20),
    calls: readBenchCount('WORKFLOW_BENCH_CALLS', 1000),
    connections: readBenchCount('WORKFLOW_BENCH_CONNECTIONS', 32),
    warmupCalls: readBenchCount('WORKFLOW_BENCH_WARMUP_CALLS', 200, 0),
    // The server's default WORKFLOW_QUEUE_CONCURRENCY.
    queueConcurrency: readBenchCount('WORKFLOW_QUEUE_CONCURRENCY', 16),
  };
}

/** Repetitions for a graph of `nodes`: the same number of nodes in all as `repetitions` of 100 nodes. */
function scaled(repetitions: number, nodes: number, minimum: number): number {
  return Math.max(minimum, Math.round((repetitions * 100) / nodes));
}

async function measureMemory(options: WorkflowBenchOptions): Promise<MemorySeries[]> {
  const series: MemorySeries[] = [];
  for (const nodes of options.sizes) {
    for (const shape of ['chain', 'wide'] as GraphShape[]) {
      const repetitions = scaled(options.memoryRepetitions, nodes, 20);
      console.log(`[memory] ${shape} ${nodes}: ${repetitions} executions after ${Math.ceil(repetitions / 10)} warm-up …`);
      series.push(await measureMemorySeries({ shape, nodes, repetitions, warmup: Math.ceil(repetitions / 10) }));
    }
  }
  return series;
}

async function measureOnTarget(target: WorkflowTarget, options: WorkflowBenchOptions, durable: DurableSeries[], webhooks: WebhookReport[]): Promise<void> {
  if (options.parts.includes('durable')) {
    for (const kind of options.kinds) {
      for (const nodes of options.sizes) {
        const repetitions = nodes >= 1000 ? Math.max(2, Math.round(options.durableRepetitions / 10)) : options.durableRepetitions;
        console.log(`[${target.name}] durable chain ${nodes} (${kind}): ${repetitions} executions after 1 warm-up …`);
        durable.push(await measureDurableSeries(target, { nodes, kind, repetitions, warmup: 1 }));
      }
    }
  }
  if (options.parts.includes('webhooks')) {
    console.log(`[${target.name}] webhooks: ${options.calls} calls over ${options.connections} connections after ${options.warmupCalls} warm-up calls …`);
    webhooks.push(
      await measureWebhooks(target, {
        calls: options.calls,
        connections: options.connections,
        warmup: options.warmupCalls,
        queueConcurrency: options.queueConcurrency,
        timeoutMs: 300_000,
      }),
    );
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const machine = describeMachine();
  const loadAtStart = loadText();
  console.log(`machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.platform}; load average ${loadAtStart}`);
  console.log(`options: ${JSON.stringify(options)}`);

  const memory = options.parts.includes('memory') ? await measureMemory(options) : [];
  const durable: DurableSeries[] = [];
  const webhooks: WebhookReport[] = [];
  const skipped: SkippedTarget[] = [];
  const open = new Set<WorkflowTarget>();
  const stopDisposingOnSignal = disposeOnSignal(open);
  try {
    for (const name of options.parts.some((part) => part !== 'memory') ? options.targets : []) {
      if (name === 'postgres' && !(await isReachable(options.postgresUrl))) {
        skipped.push({ name, skipped: `not reachable at ${new URL(options.postgresUrl).host}` });
        console.log(`[${name}] skipped: not reachable`);
        continue;
      }
      const target = await openWorkflowTarget(name, { postgresUrl: options.postgresUrl, extra: { WORKFLOW_QUEUE_CONCURRENCY: String(options.queueConcurrency) } });
      open.add(target);
      console.log(`[${name}] ${target.location}`);
      try {
        await measureOnTarget(target, options, durable, webhooks);
      } finally {
        await target.dispose();
        open.delete(target);
      }
    }
  } finally {
    stopDisposingOnSignal();
  }
  printWorkflowReport({ options, machine, loadAtStart, loadAtEnd: loadText(), memory, durable, webhooks, skipped });
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchFailure ? `bench failed: ${error.message}` : error);
  process.exitCode = 1;
});

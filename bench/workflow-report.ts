/**
 * The output of bench:workflow: one table per part with the ratio to its baseline, PASS/MISS
 * against the targets for every series and target database, and one BENCH_RESULT line.
 */
import { printAlignedTable, type describeMachine } from './bench-kit.js';
import { roundMs, type LatencySummary } from './latency-kit.js';
import type { DurableSeries } from './workflow-durable.js';
import type { MemorySeries } from './workflow-memory.js';
import type { WebhookReport, Burst } from './workflow-webhooks.js';

/** The targets. */
export const targets = { memoryMicrosPerNode: 50, durableMsPerNode: 1, executionsPerSecond: 500 };

/** A target database that was not measured, and why. */
export interface SkippedTarget {
  readonly name: string;
  readonly skipped: string;
}

/** Everything the report needs. */
export interface WorkflowReportInput {
  readonly options: object;
  readonly machine: ReturnType<typeof describeMachine>;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  readonly memory: readonly MemorySeries[];
  readonly durable: readonly DurableSeries[];
  readonly webhooks: readonly WebhookReport[];
  readonly skipped: readonly SkippedTarget[];
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const integer = (value: number) => Math.round(value).toLocaleString('en-US');

/** PASS or MISS, with how far off a miss is (the figure ÷ the target, or the reverse for rates). */
function verdict(value: number, target: number, better: 'lower' | 'higher'): string {
  const pass = better === 'lower' ? value <= target : value >= target;
  if (pass) return 'PASS';
  return `MISS (${(better === 'lower' ? value / target : target / value).toFixed(1)}× off)`;
}

const perNode = (summary: LatencySummary, nodes: number, scale: number) => (summary.p50Ms * scale) / nodes;

function printMemory(series: readonly MemorySeries[]): void {
  console.log(`\nIn memory (runWorkflow, in-memory checkpoint), target ≤ ${targets.memoryMicrosPerNode} µs/node; per execution p50 over the repetitions`);
  printAlignedTable(
    ['graph', 'reps', 'engine ms p50/p99', 'µs/node', 'CPU µs/node', 'baseline µs/node', 'ratio', 'overhead µs/node', 'verdict'],
    series.map((item) => {
      const engine = perNode(item.engine, item.nodes, 1000);
      const baseline = perNode(item.baseline, item.nodes, 1000);
      return [
        `${item.shape} ${item.nodes}`,
        String(item.repetitions),
        `${fixed(item.engine.p50Ms, 2)} / ${fixed(item.engine.p99Ms, 2)}`,
        fixed(engine, 1),
        fixed((item.engineCpuMs * 1000) / item.nodes, 1),
        fixed(baseline, 2),
        fixed(item.engine.p50Ms / item.baseline.p50Ms, 0),
        fixed(engine - baseline, 1),
        verdict(engine, targets.memoryMicrosPerNode, 'lower'),
      ];
    }),
  );
}

function printDurable(series: readonly DurableSeries[]): void {
  console.log(`\nDurable (services.executions.start, a step row and the events stored per node), target ≤ ${targets.durableMsPerNode} ms/node`);
  console.log('nodes: pure = no-ops (steps stored in batches); effects = no-ops treated as nodes with effects (each step stored before the next node starts)');
  printAlignedTable(
    ['target', 'nodes', 'chain', 'reps', 'execution ms p50', 'ms/node', 'baseline ms/node', 'ratio', 'events/execution', 'verdict'],
    series.map((item) => {
      const execution = perNode(item.execution, item.nodes, 1);
      const baseline = perNode(item.baseline, item.nodes, 1);
      return [
        item.target,
        item.kind,
        String(item.nodes),
        String(item.repetitions),
        fixed(item.execution.p50Ms, 1),
        fixed(execution, 3),
        fixed(baseline, 3),
        fixed(execution / baseline, 2),
        String(item.eventsPerExecution),
        verdict(execution, targets.durableMsPerNode, 'lower'),
      ];
    }),
  );
}

function burstCells(burst: Burst): string[] {
  return [integer(burst.perSecond), `${burst.latencyP50Ms} / ${burst.latencyP99Ms} / ${burst.latencyMaxMs}`];
}

function printWebhooks(reports: readonly WebhookReport[]): void {
  console.log(`\nWebhooks (async, two-node workflow start -> end), target ≥ ${targets.executionsPerSecond} completed executions/s; latency ms p50 / p99 / max`);
  printAlignedTable(
    ['target', 'series', 'requests', '/s', 'latency ms', 'ratio to /auth/me', 'verdict'],
    reports.flatMap((report) => [
      [report.target, 'GET /health (baseline)', integer(report.calls), ...burstCells(report.health), fixed(report.health.perSecond / report.authMe.perSecond, 2), ''],
      [report.target, 'GET /api/v1/auth/me (baseline)', integer(report.calls), ...burstCells(report.authMe), '1.00', ''],
      [report.target, 'webhook calls accepted (202)', integer(report.calls), ...burstCells(report.accepted), fixed(report.accepted.perSecond / report.authMe.perSecond, 2), ''],
      [
        report.target,
        `executions completed (queue ${report.queueConcurrency})`,
        integer(report.calls),
        integer(report.completedPerSecond),
        `all ended ${fixed(report.completedSeconds, 2)} s`,
        fixed(report.completedPerSecond / report.authMe.perSecond, 2),
        verdict(report.completedPerSecond, targets.executionsPerSecond, 'higher'),
      ],
    ]),
  );
}

function summary(latency: LatencySummary) {
  return { p50_ms: roundMs(latency.p50Ms), p99_ms: roundMs(latency.p99Ms), mean_ms: roundMs(latency.meanMs) };
}

/** Prints every table, then `BENCH_RESULT {...}` on one line for CI logs and records over time. */
export function printWorkflowReport(input: WorkflowReportInput): void {
  if (input.memory.length > 0) printMemory(input.memory);
  if (input.durable.length > 0) printDurable(input.durable);
  if (input.webhooks.length > 0) printWebhooks(input.webhooks);
  for (const skipped of input.skipped) console.log(`\n[${skipped.name}] skipped: ${skipped.skipped}`);
  console.log(`\nload average (1 / 5 / 15 min): ${input.loadAtStart} at the start, ${input.loadAtEnd} at the end`);
  const result = {
    bench: 'workflow',
    date: new Date().toISOString(),
    machine: input.machine,
    load_average: { start: input.loadAtStart, end: input.loadAtEnd },
    options: input.options,
    targets,
    memory: input.memory.map((item) => ({
      graph: `${item.shape} ${item.nodes}`,
      repetitions: item.repetitions,
      engine: summary(item.engine),
      baseline: summary(item.baseline),
      micros_per_node: roundMs(perNode(item.engine, item.nodes, 1000)),
      cpu_micros_per_node: roundMs((item.engineCpuMs * 1000) / item.nodes),
      baseline_micros_per_node: roundMs(perNode(item.baseline, item.nodes, 1000)),
    })),
    durable: input.durable.map((item) => ({
      target: item.target,
      nodes: item.kind,
      chain: item.nodes,
      repetitions: item.repetitions,
      execution: summary(item.execution),
      baseline: summary(item.baseline),
      ms_per_node: roundMs(perNode(item.execution, item.nodes, 1)),
      baseline_ms_per_node: roundMs(perNode(item.baseline, item.nodes, 1)),
    })),
    webhooks: input.webhooks.map((report) => ({
      target: report.target,
      calls: report.calls,
      connections: report.connections,
      queue_concurrency: report.queueConcurrency,
      health_per_second: Math.round(report.health.perSecond),
      auth_me_per_second: Math.round(report.authMe.perSecond),
      accepted_per_second: Math.round(report.accepted.perSecond),
      accepted_latency_ms: { p50: report.accepted.latencyP50Ms, p99: report.accepted.latencyP99Ms, max: report.accepted.latencyMaxMs },
      completed_per_second: Math.round(report.completedPerSecond),
    })),
    skipped: input.skipped,
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

/**
 * bench:workflow, durable: a no-op chain executed through the real executions service
 * (`services.executions.start`, trigger `api`), so every node costs what it costs in production:
 * its step row and run events stored (pure nodes: in batches, the last ones with the outcome;
 * nodes with effects: before the next one starts), plus the run and execution rows. The baseline
 * is the same number of bare `saveStep` calls, one after the other, on the same database: what
 * one commit per node would cost.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { StepRecord } from '../src/engine/workflow/step-record.js';
import { WorkflowExecutionsRepository } from '../src/modules/workflow-executions/workflow-executions.repository.js';
import { workflowSteps } from '../src/platform/db/schema/index.js';
import { BenchFailure } from './bench-kit.js';
import { sampleSequentially, summarizeLatencies, type LatencySummary } from './latency-kit.js';
import { benchGraph, type WorkKind } from './workflow-graphs.js';
import { createWorkflow, type WorkflowTarget } from './workflow-target.js';

/** One durable series: ms per execution of the chain, and of the bare step writes. */
export interface DurableSeries {
  readonly target: string;
  /** The work nodes: pure no-ops, or no-ops treated as nodes with effects. */
  readonly kind: WorkKind;
  readonly nodes: number;
  readonly repetitions: number;
  readonly execution: LatencySummary;
  readonly baseline: LatencySummary;
  /** Run events stored per execution (workflow_started, node_started/finished per node, done). */
  readonly eventsPerExecution: number;
}

async function executeOnce(target: WorkflowTarget, workflowId: string): Promise<{ ms: number; runId: string }> {
  const startedAt = performance.now();
  const started = await target.container.services.executions.start(target.actor, workflowId, { input: {}, trigger: 'api' });
  const settled = await started.settled;
  const ms = performance.now() - startedAt;
  if (settled.status !== 'succeeded') throw new BenchFailure(`durable execution ${started.id} ended ${settled.status}: ${settled.error?.message ?? ''}`);
  return { ms, runId: started.id };
}

/** Every measured execution must have stored one step row per node. */
async function checkSteps(target: WorkflowTarget, runIds: readonly string[], nodes: number): Promise<void> {
  const rows = await target.container.database.db
    .select({ runId: workflowSteps.runId, steps: sql<number>`count(*)::int` })
    .from(workflowSteps)
    .where(inArray(workflowSteps.runId, [...runIds]))
    .groupBy(workflowSteps.runId);
  const short = rows.filter((row) => Number(row.steps) !== nodes);
  if (rows.length !== runIds.length || short.length > 0) {
    throw new BenchFailure(`[${target.name}] expected ${nodes} step rows for each of ${runIds.length} executions, got ${JSON.stringify(rows.map((row) => row.steps))}`);
  }
}

async function eventsOf(target: WorkflowTarget, runId: string): Promise<number> {
  const run = await target.container.services.runs.get(target.actor, runId);
  return run.last_event_id;
}

/** A step as the executor stores it for a no-op node, under a node id of the baseline's own. */
function baselineStep(nodeId: string): StepRecord {
  const at = new Date();
  return { nodeId, nodeType: 'bench_noop', status: 'succeeded', input: {}, output: {}, branch: null, error: null, attempts: 1, startedAt: at, finishedAt: at, usage: null };
}

async function timeBaseline(repository: WorkflowExecutionsRepository, runId: string, nodes: number, round: number): Promise<number> {
  const startedAt = performance.now();
  for (let index = 0; index < nodes; index++) await repository.saveStep(runId, baselineStep(`baseline-${round}-${index}`));
  return performance.now() - startedAt;
}

/**
 * Creates the chain workflow, runs `warmup` uncounted executions, then `repetitions` measured
 * executions, each followed by its baseline round (the bare step writes go into the warm-up
 * execution's run, under node ids no graph has, so they cannot disturb the measured runs).
 */
export async function measureDurableSeries(
  target: WorkflowTarget,
  options: { nodes: number; kind: WorkKind; repetitions: number; warmup: number },
): Promise<DurableSeries> {
  const workflowId = await createWorkflow(target, `bench chain ${options.nodes} ${options.kind}`, benchGraph('chain', options.nodes, options.kind));
  const repository = new WorkflowExecutionsRepository(target.container.database.db);
  let scratchRunId: string | null = null;
  for (let index = 0; index < Math.max(1, options.warmup); index++) {
    const { runId } = await executeOnce(target, workflowId);
    scratchRunId ??= runId;
    await timeBaseline(repository, scratchRunId, Math.min(options.nodes, 100), -1 - index);
  }
  const runIds: string[] = [];
  const baselineSamples: number[] = [];
  const executionSamples = await sampleSequentially(options.repetitions, async (round) => {
    const { ms, runId } = await executeOnce(target, workflowId);
    runIds.push(runId);
    baselineSamples.push(await timeBaseline(repository, scratchRunId!, options.nodes, round));
    return ms;
  });
  await checkSteps(target, runIds, options.nodes);
  // The baseline rows go, so a later series on this database starts from the same table size.
  await target.container.database.db.delete(workflowSteps).where(eq(workflowSteps.runId, scratchRunId!));
  return {
    target: target.name,
    kind: options.kind,
    nodes: options.nodes,
    repetitions: options.repetitions,
    execution: summarizeLatencies(executionSamples),
    baseline: summarizeLatencies(baselineSamples),
    eventsPerExecution: await eventsOf(target, runIds[0]!),
  };
}

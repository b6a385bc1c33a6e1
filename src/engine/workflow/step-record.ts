import type { TokenUsage } from '../../platform/llm/llm-call.js';

/** How a node's step ended. `waiting`: a person must decide before it can finish. */
export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'waiting';

/** The record of one node in one execution: what it got, what it gave, how long, how it went. */
export interface StepRecord {
  nodeId: string;
  nodeType: string;
  status: StepStatus;
  /** The node's config with variables resolved (what it actually ran with). */
  input: unknown;
  output: Record<string, unknown> | null;
  /** The branch it chose, when it chose one. */
  branch: string | null;
  /** The failure (also set when on_error let the run continue past it). */
  error: { code: string; message: string } | null;
  attempts: number;
  startedAt: Date;
  finishedAt: Date;
  usage: TokenUsage | null;
}

/** Where an execution's steps are kept, so a resumed execution skips the nodes already done. */
export interface ExecutionCheckpoint {
  /** Steps that ended in an earlier attempt of this execution (by node id). */
  readonly completed: ReadonlyMap<string, StepRecord>;
  /** Stores a step as soon as it ends, before any node after it starts. */
  record(step: StepRecord): Promise<void>;
}

/** A checkpoint that keeps steps in memory only (loop bodies, single-node debugging, benchmarks). */
export function memoryCheckpoint(completed: ReadonlyMap<string, StepRecord> = new Map()): ExecutionCheckpoint & {
  steps: StepRecord[];
} {
  const steps: StepRecord[] = [];
  return {
    completed,
    steps,
    async record(step) {
      steps.push(step);
    },
  };
}

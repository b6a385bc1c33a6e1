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

/** How soon a recorded step must be stored. */
export interface StepWriteOptions {
  /**
   * Store it now rather than with later steps: the step of a node that may have had effects, or
   * of one that waits for a person. A step that is not urgent may wait to be stored with others.
   */
  urgent: boolean;
}

/**
 * Where an execution's steps are kept, so a resumed execution skips the nodes already done.
 * Recording never waits for storage: the executor waits with {@link ExecutionCheckpoint.flush}
 * where it must (before a node that may have effects starts), and leaves the last steps to the
 * caller, who flushes them or stores them with the execution's outcome.
 */
export interface ExecutionCheckpoint {
  /** Steps that ended in an earlier attempt of this execution (by node id). */
  readonly completed: ReadonlyMap<string, StepRecord>;
  /** Takes a step that ended (or waits) to store; it is stored in the order recorded. */
  record(step: StepRecord, options: StepWriteOptions): void;
  /** Resolves once every step recorded so far is stored; rejects when storing one failed. */
  flush(): Promise<void>;
}

/** A checkpoint that keeps steps in memory only (loop bodies, single-node debugging, benchmarks). */
export function memoryCheckpoint(completed: ReadonlyMap<string, StepRecord> = new Map()): ExecutionCheckpoint & {
  steps: StepRecord[];
} {
  const steps: StepRecord[] = [];
  return {
    completed,
    steps,
    record(step) {
      steps.push(step);
    },
    flush: () => Promise.resolve(),
  };
}

import type { WorkerJob, WorkerOutcome } from '../protocol.js';
import type { WasmGrowthGuard } from './wasm-growth-guard.js';

/** An interpreter loaded inside a worker process, ready to run jobs one at a time. */
export interface LanguageRuntime {
  /** Runs one job; never rejects for anything the user's code does. */
  run(job: WorkerJob): Promise<WorkerOutcome>;
}

/** What the worker entry hands to an interpreter: the memory guard and a check for a vanished parent. */
export interface WorkerContext {
  growth: WasmGrowthGuard;
  /**
   * Exits the process when the parent is gone. Interpreters call it from their periodic checks,
   * because a job that never yields would otherwise keep an orphaned worker spinning.
   */
  exitIfOrphaned(): void;
}

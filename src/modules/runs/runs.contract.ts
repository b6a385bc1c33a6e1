import type { RunKind, RunStatus, RunUsage } from '../../platform/db/schema/index.js';
import type { AppError } from '../../platform/errors/app-error.js';
import type { RemoteFollowTiming } from './remote-follow.js';
import type { CompanionWrite } from './run-clauses.repository.js';
import type { NewRun, RunEventRecord, RunRecord } from './runs.repository.js';

/** What a run executor gets: its id, the signal that cancels it, and the event log to write. */
export interface RunContext {
  readonly runId: string;
  readonly signal: AbortSignal;
  emit(event: string, data: Record<string, unknown>): void;
  /**
   * Emits the run's last event (`done`, `paused`, `waiting` ...) just before the executor returns:
   * it is stored with the run's outcome and shown to followers only once that is stored, so
   * whoever sees it finds the run in the state it announces (a `paused` run can be resumed at
   * once, a `done` one reads as succeeded). Events emitted after it are dropped.
   */
  emitFinal(event: string, data: Record<string, unknown>): void;
  /**
   * Stores every event emitted so far together with another write of the run (a step): `write`
   * gets the events and stores both in one statement, so the log never lags the step and the pair
   * costs one commit instead of two. Rejects when `write` does (the events then stay buffered).
   */
  checkpoint(write: (events: StoredRunEvent[]) => Promise<void>): Promise<void>;
}

/** An event as it is stored: numbered, with the time it was written. */
export type StoredRunEvent = Omit<RunEventRecord, 'runId'>;

/** What a run leaves behind when it ends without an error; a paused or waiting run can be resumed. */
export interface RunOutcome {
  output: Record<string, unknown>;
  usage?: RunUsage | null;
  /** Default `succeeded`. */
  status?: 'succeeded' | 'paused' | 'waiting_approval';
  /**
   * Writes of the run's own rows (a workflow's last steps, the node it waits at), built by their
   * repository, stored in the same statement as the outcome and the last events.
   */
  companion?: CompanionWrite | undefined;
}

/** Takes over a run whose process died (a kind that can continue from its checkpoint). */
export type RunResumer = (run: RunRecord) => Promise<void>;

/** The work of a run. Throwing fails it; throwing after a cancel cancels it. */
export type RunExecutor = (context: RunContext) => Promise<RunOutcome>;

/** What to start. */
export interface RunSpec {
  /** Reuse an id that was already handed out (a chat turn's claim on its session). */
  id?: string;
  kind: RunKind;
  agentId?: string | null;
  sessionId?: string | null;
  /** The run that started this one (an agent calling an agent ...). */
  parentRunId?: string | null;
  input: Record<string, unknown>;
  /** Cancels the run when it aborts (a plain HTTP caller who hung up). */
  signal?: AbortSignal;
  /**
   * Store the run once, when it ends (row, events and outcome in one statement), for a run nobody
   * can watch while it goes on: a plain request whose caller learns the run id with the answer.
   * Until then it is visible to this process only (get, follow, cancel), not in lists.
   */
  storeWhenDone?: boolean;
  /**
   * Stores the new run's row in place of the runs repository, so the caller can store its own row
   * of the run (a workflow execution) in the same statement. Not with `storeWhenDone`.
   */
  insert?: (run: NewRun) => Promise<void>;
  /**
   * Fields added to the `error` event that closes the run when it fails or is cancelled here (an
   * orchestration names its orchestrator on every event).
   */
  closingEventFields?: Record<string, unknown>;
}

/** How a run ended, for the caller that waits for it. */
export interface RunSettlement {
  status: RunStatus;
  output: Record<string, unknown> | null;
  error: AppError | null;
}

/** A started run; `settled` never rejects. */
export interface StartedRun {
  id: string;
  settled: Promise<RunSettlement>;
}

/** Timings of the run machinery; tests shorten them. */
export interface RunsTiming extends RemoteFollowTiming {
  /** How long buffered events wait before they are written. */
  flushMs: number;
  heartbeatMs: number;
  /** A run whose heartbeat is older than this belongs to a dead process. */
  staleMs: number;
  /** How long a cancel waits for the run to stop before answering. */
  cancelWaitMs: number;
}

export const defaultRunsTiming: RunsTiming = {
  flushMs: 50,
  heartbeatMs: 15_000,
  staleMs: 60_000,
  cancelWaitMs: 5_000,
  gapRetryMs: 50,
  gapRetries: 40,
  idleCheckMs: 30_000,
};

/** What `promise` resolves to if it does so within `ms`, else undefined (it goes on regardless). */
export async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

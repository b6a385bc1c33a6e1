import type { ExecutionCheckpoint, StepRecord, StepWriteOptions } from '../../engine/workflow/step-record.js';
import type { RunContext, StoredRunEvent } from '../runs/runs.contract.js';

/** How a step writer stores a batch: the steps and the run's events emitted before them, in one statement. */
export type SaveSteps = (steps: StepRecord[], events: StoredRunEvent[]) => Promise<void>;

/** When buffered steps that are not urgent are written. */
export interface StepWriterTiming {
  /** At most this long after the first of them (default 25 ms). */
  delayMs: number;
  /**
   * Or once this many are buffered (default 30): a chain of nodes emits two events per node, so
   * 30 steps carry their ~60 events before the run's own event buffer (64) writes them alone.
   */
  batch: number;
}

const defaultTiming: StepWriterTiming = { delayMs: 25, batch: 30 };

/**
 * The durable checkpoint of one execution (group commit). A step is buffered; an urgent one (a
 * node that may have had effects, a waiting node) starts a write at once, others wait for a
 * batch or a short delay. One write at a time: the steps that come while it goes on leave
 * together in the next one, with the run's events emitted before them (RunContext.checkpoint),
 * so a stored step always has its `node_finished` event. The last steps are not written here:
 * {@link drain} hands them over for the run's final statement.
 */
export class StepWriter implements ExecutionCheckpoint {
  private buffered: StepRecord[] = [];
  private writing: Promise<void> | null = null;
  /** A write is due as soon as the one going on ends. */
  private due = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: { error: unknown } | null = null;
  private readonly timing: StepWriterTiming;

  constructor(
    readonly completed: ReadonlyMap<string, StepRecord>,
    private readonly deps: { context: Pick<RunContext, 'checkpoint'>; save: SaveSteps; timing?: Partial<StepWriterTiming> },
  ) {
    this.timing = { ...defaultTiming, ...deps.timing };
  }

  record(step: StepRecord, options: StepWriteOptions): void {
    this.buffered.push(step);
    if (options.urgent || this.buffered.length >= this.timing.batch) this.write();
    else this.timer ??= setTimeout(() => this.write(), this.timing.delayMs);
  }

  async flush(): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.writing) await this.writing;
      else if (this.buffered.length > 0) this.write();
      else return;
    }
  }

  /**
   * Waits for the write going on, then hands over the steps not written yet, for the run's final
   * statement (they are no longer this writer's); rejects when an earlier write failed.
   */
  async drain(): Promise<StepRecord[]> {
    this.stop();
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure.error;
    const rest = this.buffered;
    this.buffered = [];
    return rest;
  }

  /** Cancels the delayed write (the execution is over); a write going on still ends. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
  }

  /** Starts a write of what is buffered, or marks one due when a write is going on. */
  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing) {
      this.due = true;
      return;
    }
    if (this.buffered.length === 0 || this.failure) return;
    const batch = this.buffered;
    this.buffered = [];
    this.writing = this.deps.context
      .checkpoint((events) => this.deps.save(batch, events))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.writing = null;
        if (this.due) {
          this.due = false;
          this.write();
        }
      });
  }
}

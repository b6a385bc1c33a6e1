import type { WorkerContext } from './language-runtime.js';

/** What Pyodide's interrupt buffer holds to raise KeyboardInterrupt (SIGINT). */
const interruptSignal = 2;
/** Pause between two interrupts, so the driver can report the first one. */
const repeatAfterMs = 100;

/**
 * Stands in for Pyodide's interrupt buffer. CPython reads element 0 every few dozen bytecode
 * "eval breaker" checks (`_Py_CheckEmscriptenSignals_Helper`), normally a SharedArrayBuffer that
 * another thread writes; here the read itself decides, so the worker gets a soft deadline without
 * a second thread: past the deadline, or once the output cap is passed, Python sees SIGINT
 * (KeyboardInterrupt) and the driver returns with the logs intact. The signal is raised once,
 * then again every 100 ms for code that swallows KeyboardInterrupt (a signal on every read would
 * also interrupt the driver's own error handling); the parent's SIGKILL is the backstop.
 */
export class InterruptSignal {
  private deadline = Number.POSITIVE_INFINITY;
  private stopRequested = false;
  private deadlinePassed = false;
  private raisedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly context: WorkerContext) {}

  /** Element 0 of the "buffer": the signal to raise, or 0. */
  get 0(): number {
    this.context.exitIfOrphaned();
    const now = Date.now();
    if (now > this.deadline) this.deadlinePassed = true;
    if (!(this.deadlinePassed || this.stopRequested) || now - this.raisedAt < repeatAfterMs) return 0;
    this.raisedAt = now;
    return interruptSignal;
  }

  /** Pyodide clears the buffer after reading it; the state here stays until the next job. */
  set 0(_value: number) {
    // Deliberately ignored.
  }

  /** Starts a job with its deadline. */
  startJob(timeoutMs: number): void {
    this.deadline = Date.now() + timeoutMs;
    this.stopRequested = false;
    this.deadlinePassed = false;
    this.raisedAt = Number.NEGATIVE_INFINITY;
  }

  /** Asks the running code to stop (the output cap was passed). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** True when the current job ran past its deadline. */
  get timedOut(): boolean {
    return this.deadlinePassed;
  }
}

import type { WorkerProcess } from './worker-process.js';

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Workers kept started (idle or busy); also the number of jobs that run at once. */
  size: number;
  /** Discard every worker after one job (Python: interpreter state would leak between users). */
  singleUse: boolean;
  /** Replace a reusable worker after this many jobs. */
  maxJobsPerWorker: number;
  /** Spawns and starts one worker; rejects when it cannot start. */
  startWorker: () => Promise<WorkerProcess>;
}

/** Counts and process ids of a pool, for health checks and tests. */
export interface WorkerPoolStatus {
  idle: number;
  busy: number;
  starting: number;
  pids: number[];
}

/** Raised to a waiting caller whose signal aborted or whose pool closed. */
export class PoolWaitAborted extends Error {
  override readonly name = 'PoolWaitAborted';
}

interface Waiter {
  resolve: (worker: WorkerProcess) => void;
  reject: (error: Error) => void;
}

/**
 * A warm pool of worker processes for one language. Workers are started lazily (first
 * `acquire` or `warmUp`), handed out one job at a time, and replaced when they die, are
 * single-use, or ran `maxJobsPerWorker` jobs. A worker that fails to start fails the callers
 * waiting at that moment; the next `acquire` tries again, so a broken install never loops.
 */
export class WorkerPool {
  private readonly idle: WorkerProcess[] = [];
  private readonly busy = new Set<WorkerProcess>();
  private readonly waiters: Waiter[] = [];
  private readonly watched = new WeakSet<WorkerProcess>();
  private starting = 0;
  private closed = false;
  private warmWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(private readonly options: WorkerPoolOptions) {}

  /** True for a pool of size 0: the language is switched off. */
  get disabled(): boolean {
    return this.options.size === 0;
  }

  /** Takes an idle worker, or waits for one; rejects with PoolWaitAborted on abort or close, or with the start error. */
  acquire(signal?: AbortSignal): Promise<WorkerProcess> {
    if (this.closed) return Promise.reject(new PoolWaitAborted('The sandbox is closed'));
    if (this.disabled) return Promise.reject(new Error('This language is disabled (pool size 0)'));
    if (signal?.aborted) return Promise.reject(new PoolWaitAborted('The run was aborted'));
    const worker = this.takeIdle();
    if (worker) return Promise.resolve(worker);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new PoolWaitAborted('The run was aborted'));
      };
      const waiter: Waiter = {
        resolve: (taken) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(taken);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.replenish();
    });
  }

  /** Returns a worker after a job; it goes back to the pool only if reusable, alive and under its job budget. */
  release(worker: WorkerProcess, reusable: boolean): void {
    this.busy.delete(worker);
    const keep = reusable && !this.options.singleUse && worker.alive && worker.jobsRun < this.options.maxJobsPerWorker;
    if (keep && !this.closed) {
      this.handOut(worker);
      return;
    }
    worker.terminate();
    this.replenish();
  }

  /** Starts workers up to the pool size and resolves when none is still starting. */
  warmUp(): Promise<void> {
    if (this.closed) return Promise.reject(new PoolWaitAborted('The sandbox is closed'));
    this.replenish();
    if (this.starting === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.warmWaiters.push({ resolve, reject }));
  }

  /** Kills every worker and rejects every waiter; in-flight jobs end as `aborted`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new PoolWaitAborted('The sandbox is closed'));
    for (const warm of this.warmWaiters.splice(0)) warm.reject(new PoolWaitAborted('The sandbox is closed'));
    const workers = [...this.idle.splice(0), ...this.busy];
    for (const worker of workers) worker.terminate('aborted');
    await Promise.all(workers.map((worker) => worker.exited));
  }

  /** Counts and pids of the pool's workers. */
  status(): WorkerPoolStatus {
    const pids = [...this.idle, ...this.busy].map((worker) => worker.pid).filter((pid): pid is number => pid !== undefined);
    return { idle: this.idle.length, busy: this.busy.size, starting: this.starting, pids };
  }

  private takeIdle(): WorkerProcess | undefined {
    while (this.idle.length > 0) {
      const worker = this.idle.shift()!;
      if (!worker.alive) continue;
      this.busy.add(worker);
      return worker;
    }
    return undefined;
  }

  private handOut(worker: WorkerProcess): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.busy.add(worker);
      waiter.resolve(worker);
      return;
    }
    this.idle.push(worker);
    if (this.watched.has(worker)) return;
    this.watched.add(worker);
    // An idle worker that dies (OOM killer, crash) is dropped and replaced.
    void worker.exited.then(() => {
      const index = this.idle.indexOf(worker);
      if (index < 0) return;
      this.idle.splice(index, 1);
      this.replenish();
    });
  }

  private replenish(): void {
    while (!this.closed && this.idle.length + this.busy.size + this.starting < this.options.size) {
      this.starting++;
      this.options.startWorker().then(
        (worker) => this.started(worker),
        (error: unknown) => this.startFailed(error instanceof Error ? error : new Error(String(error))),
      );
    }
  }

  private started(worker: WorkerProcess): void {
    this.starting--;
    if (this.closed) {
      worker.terminate('aborted');
    } else {
      this.handOut(worker);
    }
    this.settleWarmUp();
  }

  private startFailed(error: Error): void {
    this.starting--;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    for (const warm of this.warmWaiters.splice(0)) warm.reject(error);
  }

  private settleWarmUp(): void {
    if (this.starting > 0) return;
    for (const warm of this.warmWaiters.splice(0)) warm.resolve();
  }
}

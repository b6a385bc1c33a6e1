import { describe, expect, it } from 'vitest';
import { PoolWaitAborted, WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
import type { WorkerProcess } from './worker-process.js';

/** A stand-in for a worker process: only what the pool touches. */
class FakeWorker {
  static nextPid = 1000;
  readonly pid = FakeWorker.nextPid++;
  jobsRun = 0;
  alive = true;
  terminated = false;
  private markExited!: () => void;
  readonly exited = new Promise<void>((resolve) => (this.markExited = resolve));

  terminate(): void {
    this.terminated = true;
    this.die();
  }

  die(): void {
    this.alive = false;
    this.markExited();
  }
}

/** A pool whose workers start when the test says so. */
function createPool(options: Partial<WorkerPoolOptions> = {}) {
  const started: FakeWorker[] = [];
  const pending: Array<{ resolve: (worker: WorkerProcess) => void; reject: (error: Error) => void }> = [];
  const pool = new WorkerPool({
    size: 1,
    singleUse: false,
    maxJobsPerWorker: 100,
    startWorker: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
    ...options,
  });
  const startNext = (): FakeWorker => {
    const worker = new FakeWorker();
    started.push(worker);
    pending.shift()!.resolve(worker as unknown as WorkerProcess);
    return worker;
  };
  const failNext = (message: string): void => pending.shift()!.reject(new Error(message));
  return { pool, started, pending, startNext, failNext };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkerPool', () => {
  it('starts nothing until the first acquire, then starts up to its size', async () => {
    const { pool, pending, startNext } = createPool({ size: 2 });
    expect(pending).toHaveLength(0);
    const acquired = pool.acquire();
    expect(pending).toHaveLength(2);
    const worker = startNext();
    expect(await acquired).toBe(worker);
    expect(pool.status()).toMatchObject({ busy: 1, starting: 1 });
  });

  it('hands a reusable worker back out and replaces it after its job budget', async () => {
    const { pool, pending, startNext } = createPool({ maxJobsPerWorker: 2 });
    const first = pool.acquire();
    const worker = startNext();
    await first;
    worker.jobsRun = 1;
    pool.release(worker as unknown as WorkerProcess, true);
    expect(await pool.acquire()).toBe(worker);
    worker.jobsRun = 2;
    pool.release(worker as unknown as WorkerProcess, true);
    expect(worker.terminated).toBe(true);
    expect(pending).toHaveLength(1);
  });

  it('never reuses a single-use worker or one reported not reusable', async () => {
    const single = createPool({ singleUse: true });
    const acquired = single.pool.acquire();
    const pythonWorker = single.startNext();
    await acquired;
    single.pool.release(pythonWorker as unknown as WorkerProcess, true);
    expect(pythonWorker.terminated).toBe(true);
    expect(single.pending).toHaveLength(1);

    const reusable = createPool();
    const next = reusable.pool.acquire();
    const worker = reusable.startNext();
    await next;
    reusable.pool.release(worker as unknown as WorkerProcess, false);
    expect(worker.terminated).toBe(true);
  });

  it('queues callers beyond its size and serves them in order', async () => {
    const { pool, startNext } = createPool();
    const order: string[] = [];
    const first = pool.acquire().then((worker) => (order.push('first'), worker));
    const second = pool.acquire().then((worker) => (order.push('second'), worker));
    const worker = startNext();
    await first;
    await flush();
    expect(order).toEqual(['first']);
    pool.release(worker as unknown as WorkerProcess, true);
    expect(await second).toBe(worker);
    expect(order).toEqual(['first', 'second']);
  });

  it('fails the waiting callers when a worker cannot start, and tries again on the next acquire', async () => {
    const { pool, pending, failNext, startNext } = createPool();
    const waiting = pool.acquire();
    failNext('pyodide is missing');
    await expect(waiting).rejects.toThrow('pyodide is missing');
    expect(pending).toHaveLength(0);
    const retry = pool.acquire();
    expect(pending).toHaveLength(1);
    const worker = startNext();
    expect(await retry).toBe(worker);
  });

  it('drops a waiter whose signal aborts and gives the worker to the next one', async () => {
    const { pool, startNext } = createPool();
    const controller = new AbortController();
    const abandoned = pool.acquire(controller.signal);
    const patient = pool.acquire();
    controller.abort();
    await expect(abandoned).rejects.toBeInstanceOf(PoolWaitAborted);
    const worker = startNext();
    expect(await patient).toBe(worker);
    await expect(pool.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(PoolWaitAborted);
  });

  it('replaces an idle worker that dies', async () => {
    const { pool, pending, startNext } = createPool();
    const acquired = pool.acquire();
    const worker = startNext();
    await acquired;
    pool.release(worker as unknown as WorkerProcess, true);
    worker.die();
    await flush();
    expect(pending).toHaveLength(1);
    expect(pool.status().idle).toBe(0);
  });

  it('warms up to its size, and a pool of size 0 is disabled', async () => {
    const { pool, pending, startNext } = createPool({ size: 2 });
    const warm = pool.warmUp();
    expect(pending).toHaveLength(2);
    startNext();
    startNext();
    await warm;
    expect(pool.status()).toMatchObject({ idle: 2, starting: 0 });

    const off = createPool({ size: 0 });
    expect(off.pool.disabled).toBe(true);
    await off.pool.warmUp();
    await expect(off.pool.acquire()).rejects.toThrow(/disabled/);
    expect(off.pending).toHaveLength(0);
  });

  it('on close kills idle, busy and late-starting workers and rejects waiters', async () => {
    const { pool, startNext, pending } = createPool({ size: 2 });
    const busy = pool.acquire();
    const busyWorker = startNext();
    await busy;
    const waiter = pool.acquire();
    pool.release(busyWorker as unknown as WorkerProcess, true);
    await waiter;
    const stillWaiting = pool.acquire();
    await pool.close();
    await expect(stillWaiting).rejects.toBeInstanceOf(PoolWaitAborted);
    expect(busyWorker.terminated).toBe(true);
    const late = startNext();
    await flush();
    expect(pending).toHaveLength(0);
    expect(late.terminated).toBe(true);
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolWaitAborted);
  });
});

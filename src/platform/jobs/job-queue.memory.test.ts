import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IdGenerator } from '../ids.js';
import { uuidV7Generator } from '../ids.js';
import { type FailedJob, InMemoryJobQueue, type JobQueueLogger } from './job-queue.memory.js';

function sequentialIds(): IdGenerator {
  let next = 0;
  return { uuid: () => `job-${++next}` };
}

function silentLogger(): JobQueueLogger {
  return { warn: vi.fn(), error: vi.fn() };
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

const queues: InMemoryJobQueue[] = [];

function createQueue(options: { onFailed?: (failure: FailedJob) => void; logger?: JobQueueLogger } = {}) {
  const queue = new InMemoryJobQueue({ ids: sequentialIds(), logger: silentLogger(), ...options });
  queues.push(queue);
  return queue;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

describe('InMemoryJobQueue', () => {
  it('runs jobs in enqueue order and returns their ids', async () => {
    const queue = createQueue();
    const seen: Array<{ id: string; payload: unknown; attempt: number }> = [];
    queue.register<{ step: number }>('ordered', async (job) => {
      seen.push({ id: job.id, payload: job.payload, attempt: job.attempt });
    });
    const ids = [
      await queue.enqueue('ordered', { step: 1 }),
      await queue.enqueue('ordered', { step: 2 }),
      await queue.enqueue('ordered', { step: 3 }),
    ];
    await queue.idle();
    expect(ids).toEqual(['job-1', 'job-2', 'job-3']);
    expect(seen).toEqual([
      { id: 'job-1', payload: { step: 1 }, attempt: 1 },
      { id: 'job-2', payload: { step: 2 }, attempt: 1 },
      { id: 'job-3', payload: { step: 3 }, attempt: 1 },
    ]);
  });

  it('uses the id generator it is given (uuidv7 by default in the app)', async () => {
    const queue = new InMemoryJobQueue({ ids: uuidV7Generator, logger: silentLogger() });
    queues.push(queue);
    queue.register('noop', async () => {});
    expect(await queue.enqueue('noop', {})).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('never runs a handler inside the enqueue call and hands it a JSON copy of the payload', async () => {
    const queue = createQueue();
    const received: unknown[] = [];
    queue.register('copy', async (job) => {
      received.push(job.payload);
    });
    const payload = { at: new Date(0), list: [1] };
    const pending = queue.enqueue('copy', payload);
    expect(received).toEqual([]);
    payload.list.push(2);
    await pending;
    await queue.idle();
    expect(received).toEqual([{ at: '1970-01-01T00:00:00.000Z', list: [1] }]);
  });

  it('retries a failing handler with exponential backoff, then succeeds', async () => {
    vi.useFakeTimers();
    const queue = createQueue();
    const attempts: Array<{ attempt: number; at: number }> = [];
    const start = Date.now();
    queue.register('flaky', async (job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() - start });
      if (job.attempt < 3) throw new Error('not yet');
    });
    await queue.enqueue('flaky', {}, { attempts: 3, backoffMs: 100 });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts.map((entry) => entry.attempt)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(99);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 100 },
      { attempt: 3, at: 300 },
    ]);
    await queue.idle();
  });

  it('gives up after the last attempt, logs it and reports it to onFailed', async () => {
    const failures: FailedJob[] = [];
    const logger = silentLogger();
    const queue = createQueue({ logger, onFailed: (failure) => failures.push(failure) });
    let calls = 0;
    queue.register('doomed', async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    });
    const id = await queue.enqueue('doomed', { reason: 'test' }, { attempts: 2, backoffMs: 1 });
    await queue.idle();
    expect(calls).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ id, name: 'doomed', payload: { reason: 'test' }, attempts: 2 });
    expect((failures[0]!.error as Error).message).toBe('failure 2');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('treats a synchronous throw like a rejection', async () => {
    const failures: FailedJob[] = [];
    const queue = createQueue({ onFailed: (failure) => failures.push(failure) });
    queue.register('sync-throw', (() => {
      throw new Error('boom');
    }) as () => Promise<void>);
    await queue.enqueue('sync-throw', {}, { attempts: 1 });
    await queue.idle();
    expect(failures).toHaveLength(1);
  });

  it('respects the concurrency limit of each name', async () => {
    const queue = createQueue();
    let inFlight = 0;
    let maxInFlight = 0;
    let completed = 0;
    queue.register(
      'limited',
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(5);
        inFlight--;
        completed++;
      },
      { concurrency: 2 },
    );
    let otherRan = false;
    queue.register('other', async () => {
      otherRan = true;
    });
    for (let index = 0; index < 6; index++) await queue.enqueue('limited', { index });
    await queue.enqueue('other', {});
    await sleep(1);
    // The other name has its own limit, so it is not stuck behind the busy one.
    expect(otherRan).toBe(true);
    await queue.idle();
    expect(completed).toBe(6);
    expect(maxInFlight).toBe(2);
  });

  it('runs one job at a time by default', async () => {
    const queue = createQueue();
    let inFlight = 0;
    let maxInFlight = 0;
    queue.register('serial', async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(2);
      inFlight--;
    });
    await Promise.all([1, 2, 3].map((index) => queue.enqueue('serial', { index })));
    await queue.idle();
    expect(maxInFlight).toBe(1);
  });

  it('waits delayMs before the first try', async () => {
    vi.useFakeTimers();
    const queue = createQueue();
    const runs: string[] = [];
    queue.register<string>('later', async (job) => {
      runs.push(job.payload);
    });
    await queue.enqueue('later', 'delayed', { delayMs: 50 });
    await queue.enqueue('later', 'now');
    await vi.advanceTimersByTimeAsync(49);
    expect(runs).toEqual(['now']);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual(['now', 'delayed']);
  });

  it('aborts running handlers on close, waits for them, and drops jobs not started', async () => {
    const logger = silentLogger();
    const queue = createQueue({ logger });
    let settled = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    queue.register('long', async (job) => {
      started();
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
      await sleep(2);
      settled = true;
    });
    let delayedRan = false;
    queue.register('delayed', async () => {
      delayedRan = true;
    });
    await queue.enqueue('long', {});
    await queue.enqueue('long', {});
    await queue.enqueue('delayed', {}, { delayMs: 10 });
    await running;
    await queue.close();
    expect(settled).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith({ jobIds: ['job-3', 'job-2'] }, expect.stringContaining('dropping'));
    await queue.idle();
    await sleep(15);
    expect(delayedRan).toBe(false);
    await expect(queue.enqueue('long', {})).rejects.toThrow(/closed/);
  });

  it('does not retry a job that fails because the queue is closing', async () => {
    const failures: FailedJob[] = [];
    const queue = createQueue({ onFailed: (failure) => failures.push(failure) });
    let calls = 0;
    queue.register('abortable', async (job) => {
      calls++;
      await new Promise((_, reject) => job.signal.addEventListener('abort', () => reject(job.signal.reason)));
    });
    await queue.enqueue('abortable', {}, { attempts: 5, backoffMs: 1 });
    await sleep(1);
    await queue.close();
    expect(calls).toBe(1);
    expect(failures).toEqual([]);
  });

  it('rejects enqueue of an unregistered name with a clear message', async () => {
    const queue = createQueue();
    await expect(queue.enqueue('missing', {})).rejects.toThrow(
      'Cannot enqueue job "missing": no handler is registered for it (call register() first)',
    );
  });

  it('rejects invalid options and duplicate registrations', async () => {
    const queue = createQueue();
    queue.register('valid', async () => {});
    expect(() => queue.register('valid', async () => {})).toThrow(/already has a handler/);
    expect(() => queue.register('zero', async () => {}, { concurrency: 0 })).toThrow(RangeError);
    await expect(queue.enqueue('valid', {}, { attempts: 0 })).rejects.toThrow(RangeError);
    await expect(queue.enqueue('valid', {}, { delayMs: -1 })).rejects.toThrow(RangeError);
    await expect(queue.enqueue('valid', undefined)).rejects.toThrow(/not JSON-serializable/);
    await queue.idle();
  });
});

import { describe, expect, it, vi } from 'vitest';
import { BufferedLlmCallRecorder, type BufferedRecorderOptions } from './buffered-recorder.js';
import type { LlmCallRecord } from './llm-call.js';

function call(number: number): LlmCallRecord {
  return {
    id: `call-${number}`,
    userId: 'user-1',
    modelConfigId: null,
    provider: 'openai',
    model: 'gpt-test',
    operation: 'generate',
    status: 'succeeded',
    attempt: 1,
    isFallback: false,
    promptTokens: 1,
    completionTokens: 1,
    totalTokens: 2,
    latencyMs: 3,
    timeToFirstTokenMs: null,
    error: null,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
  };
}

/** A promise the test settles by hand. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((onResolve) => {
    resolve = onResolve;
  });
  return { promise, resolve };
}

/** A recorder whose writes are collected as lists of ids; `write` can be replaced per test. */
function setup(options: Partial<BufferedRecorderOptions> = {}) {
  const batches: string[][] = [];
  const warn = vi.fn();
  const write =
    options.write ??
    (async (records: LlmCallRecord[]) => {
      batches.push(records.map((record) => record.id));
    });
  const recorder = new BufferedLlmCallRecorder({ maxBatch: 3, maxDelayMs: 60_000, ...options, write, logger: { warn } });
  return { recorder, batches, warn };
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `call-${from + index}`);

describe('BufferedLlmCallRecorder', () => {
  it('writes nothing while record is called, so the caller never waits', () => {
    const write = vi.fn(async () => {});
    const { recorder } = setup({ write });

    recorder.record(call(1));

    expect(write).not.toHaveBeenCalled();
  });

  it('writes a batch as soon as maxBatch records wait, and keeps the rest waiting', async () => {
    const { recorder, batches } = setup({ maxBatch: 3 });

    for (let number = 1; number <= 7; number++) recorder.record(call(number));

    await vi.waitFor(() => expect(batches).toHaveLength(2));
    expect(batches).toEqual([ids(1, 3), ids(4, 6)]);
    await recorder.flush();
    expect(batches).toEqual([ids(1, 3), ids(4, 6), ['call-7']]);
  });

  it('writes waiting records once maxDelayMs has passed since the first', async () => {
    const { recorder, batches } = setup({ maxBatch: 100, maxDelayMs: 5 });
    const recordedAt = performance.now();

    recorder.record(call(1));
    recorder.record(call(2));

    expect(batches).toEqual([]);
    await vi.waitFor(() => expect(batches).toEqual([ids(1, 2)]), { timeout: 1_000, interval: 2 });
    expect(performance.now() - recordedAt).toBeGreaterThanOrEqual(4);
  });

  it('does not write a batch twice when the size limit was reached before the delay ran out', async () => {
    const { recorder, batches } = setup({ maxBatch: 2, maxDelayMs: 5 });

    recorder.record(call(1));
    recorder.record(call(2));
    await new Promise((resolve) => setTimeout(resolve, 15));

    expect(batches).toEqual([ids(1, 2)]);
  });

  it('flush writes everything waiting and resolves only after the write finished', async () => {
    const gate = deferred();
    const written: string[][] = [];
    const { recorder } = setup({
      write: async (records) => {
        await gate.promise;
        written.push(records.map((record) => record.id));
      },
    });
    recorder.record(call(1));
    recorder.record(call(2));

    let flushed = false;
    const flushing = recorder.flush().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    gate.resolve();
    await flushing;

    expect(written).toEqual([ids(1, 2)]);
  });

  it('flush with nothing waiting writes nothing', async () => {
    const write = vi.fn(async () => {});
    const { recorder } = setup({ write });

    await recorder.flush();

    expect(write).not.toHaveBeenCalled();
  });

  it('logs and drops a batch whose write fails, then keeps writing later batches', async () => {
    const written: string[][] = [];
    let failures = 1;
    const { recorder, warn } = setup({
      write: async (records) => {
        if (failures-- > 0) throw new Error('database unavailable');
        written.push(records.map((record) => record.id));
      },
    });

    recorder.record(call(1));
    recorder.record(call(2));
    await expect(recorder.flush()).resolves.toBeUndefined();
    recorder.record(call(3));
    await recorder.flush();

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { err: expect.objectContaining({ message: 'database unavailable' }), dropped: 2 },
      'could not store LLM call records',
    );
    expect(written).toEqual([['call-3']]);
  });

  it('survives a write that throws instead of rejecting, and keeps writing later batches', async () => {
    const written: string[][] = [];
    let failures = 1;
    const { recorder, warn } = setup({
      // Not async: the error is thrown, not returned as a rejected promise.
      write: (records) => {
        if (failures-- > 0) throw new Error('could not build the insert');
        written.push(records.map((record) => record.id));
        return Promise.resolve();
      },
    });

    recorder.record(call(1));
    await expect(recorder.flush()).resolves.toBeUndefined();
    recorder.record(call(2));
    await expect(recorder.flush()).resolves.toBeUndefined();

    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ dropped: 1 }), 'could not store LLM call records');
    expect(written).toEqual([['call-2']]);
  });

  it('writes batches one after another, in the order the records came', async () => {
    const gate = deferred();
    const started: string[][] = [];
    const { recorder } = setup({
      maxBatch: 2,
      write: async (records) => {
        started.push(records.map((record) => record.id));
        if (started.length === 1) await gate.promise;
      },
    });

    for (let number = 1; number <= 5; number++) recorder.record(call(number));
    const flushing = recorder.flush();
    await new Promise((resolve) => setImmediate(resolve));
    // The first write still runs: the next batches wait for it instead of overtaking it.
    expect(started).toEqual([ids(1, 2)]);
    gate.resolve();
    await flushing;

    expect(started).toEqual([ids(1, 2), ids(3, 4), ['call-5']]);
  });
});

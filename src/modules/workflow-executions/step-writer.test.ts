import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../engine/workflow/step-record.js';
import type { StoredRunEvent } from '../runs/runs.contract.js';
import { StepWriter } from './step-writer.js';

function step(nodeId: string): StepRecord {
  const at = new Date('2026-01-01T00:00:00Z');
  return { nodeId, nodeType: 'template', status: 'succeeded', input: {}, output: {}, branch: null, error: null, attempts: 1, startedAt: at, finishedAt: at, usage: null };
}

/**
 * A writer over a fake run: every write is logged (its node ids and the events it carried) and
 * held until the test releases it, as a slow database would; `emit` adds a run event.
 */
function writerWithHeldWrites(timing?: { delayMs?: number; batch?: number }) {
  const writes: Array<{ steps: string[]; events: number[] }> = [];
  const releases: Array<() => void> = [];
  let failNext: Error | null = null;
  let unwritten: StoredRunEvent[] = [];
  let seq = 0;
  let chain = Promise.resolve();
  const context = {
    // As ActiveRun.checkpoint: the events so far go with the write, after the earlier writes.
    checkpoint(write: (events: StoredRunEvent[]) => Promise<void>) {
      const events = unwritten;
      unwritten = [];
      const written = chain.then(() => write(events));
      chain = written.catch(() => undefined);
      return written;
    },
  };
  const writer = new StepWriter(new Map(), {
    context,
    save: async (steps, events) => {
      writes.push({ steps: steps.map((item) => item.nodeId), events: events.map((event) => event.seq) });
      await new Promise<void>((resolve) => releases.push(resolve));
      if (failNext) throw failNext;
    },
    ...(timing ? { timing } : {}),
  });
  return {
    writer,
    writes,
    emit: () => void unwritten.push({ seq: ++seq, event: 'node_finished', data: {}, createdAt: new Date() }),
    releaseAll: () => releases.splice(0).forEach((release) => release()),
    failNext: (error: Error) => (failNext = error),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('StepWriter', () => {
  it('writes an urgent step at once, and what comes during that write together in the next one, each with the events before it', async () => {
    const { writer, writes, emit, releaseAll } = writerWithHeldWrites({ delayMs: 60_000 });
    emit();
    writer.record(step('a'), { urgent: true });
    emit();
    writer.record(step('b'), { urgent: false });
    emit();
    writer.record(step('c'), { urgent: true });
    await tick();
    const duringFirst = writes.length;
    releaseAll();
    await tick();
    releaseAll();
    await writer.flush();

    expect(duringFirst).toBe(1);
    expect(writes).toEqual([
      { steps: ['a'], events: [1] },
      { steps: ['b', 'c'], events: [2, 3] },
    ]);
  });

  it('keeps steps that are not urgent until the batch is full or the delay is over', async () => {
    const batched = writerWithHeldWrites({ delayMs: 60_000, batch: 3 });
    const delayed = writerWithHeldWrites({ delayMs: 5, batch: 100 });
    for (const id of ['a', 'b']) batched.writer.record(step(id), { urgent: false });
    await tick();
    const beforeFull = batched.writes.length;
    batched.writer.record(step('c'), { urgent: false });
    delayed.writer.record(step('x'), { urgent: false });
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(beforeFull).toBe(0);
    expect(batched.writes.map((write) => write.steps)).toEqual([['a', 'b', 'c']]);
    expect(delayed.writes.map((write) => write.steps)).toEqual([['x']]);
  });

  it('flush resolves once every step recorded so far is stored', async () => {
    const { writer, writes, releaseAll } = writerWithHeldWrites({ delayMs: 60_000 });
    writer.record(step('a'), { urgent: false });
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await tick();
    const early = flushed;
    releaseAll();
    await flushing;

    expect(early).toBe(false);
    expect(writes.map((write) => write.steps)).toEqual([['a']]);
  });

  it('drain waits for the write going on and hands over the rest without writing it', async () => {
    const { writer, writes, releaseAll } = writerWithHeldWrites({ delayMs: 60_000 });
    writer.record(step('a'), { urgent: true });
    writer.record(step('b'), { urgent: false });
    const draining = writer.drain();
    await tick();
    releaseAll();

    expect((await draining).map((item) => item.nodeId)).toEqual(['b']);
    expect(writes.map((write) => write.steps)).toEqual([['a']]);
  });

  it('after a failed write, flush and drain reject and nothing more is written', async () => {
    const { writer, writes, failNext, releaseAll } = writerWithHeldWrites({ delayMs: 60_000 });
    failNext(new Error('database gone'));
    writer.record(step('a'), { urgent: true });
    await tick();
    releaseAll();
    await expect(writer.flush()).rejects.toThrow('database gone');
    writer.record(step('b'), { urgent: true });

    await expect(writer.drain()).rejects.toThrow('database gone');
    expect(writes.map((write) => write.steps)).toEqual([['a']]);
  });
});

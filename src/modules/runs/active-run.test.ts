import { describe, expect, it, vi } from 'vitest';
import { InMemoryEventBus } from '../../platform/events/event-bus.memory.js';
import type { Logger } from '../../platform/logger.js';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import { ActiveRun } from './active-run.js';
import type { RunsRepository } from './runs.repository.js';

/** An active run whose event writes are recorded (and can be held back) instead of stored. */
function activeRun() {
  const appended: number[][] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const repository = {
    appendEvents: vi.fn(async (_runId: string, events: Array<{ seq: number }>) => {
      await held;
      appended.push(events.map((event) => event.seq));
    }),
  } as unknown as RunsRepository;
  const logger = { warn: vi.fn(), error: vi.fn() } as unknown as Logger;
  const clock = new FixedClock();
  const record = { id: 'run-1', ownerId: 'user-1', kind: 'workflow' as const, status: 'running' as const, input: {}, createdAt: clock.now(), startedAt: clock.now(), heartbeatAt: clock.now() };
  const bus = new InMemoryEventBus({ logger });
  const run = new ActiveRun(record, { repository, events: bus, clock, logger, flushMs: 60_000 });
  return { run, appended, release, bus };
}

describe('ActiveRun.checkpoint', () => {
  it('hands the buffered events to the write after the earlier writes, in order, and only once', async () => {
    const { run, appended, release } = activeRun();
    run.emit('a', {});
    const flushed = run.flush();
    run.emit('b', {});
    run.emit('c', {});
    const handed: number[][] = [];

    const checkpoint = run.checkpoint(async (events) => {
      // The earlier flush is stored before this write starts.
      expect(appended).toEqual([[1]]);
      handed.push(events.map((event) => event.seq));
    });
    run.emit('d', {});
    release();
    await Promise.all([flushed, checkpoint]);
    await run.flush();

    expect(handed).toEqual([[2, 3]]);
    expect(appended).toEqual([[1], [4]]);
  });

  it('rejects when the write fails and keeps its events for the next write', async () => {
    const { run, release } = activeRun();
    release();
    run.emit('a', {});
    run.emit('b', {});

    const failed = run.checkpoint(async () => {
      throw new Error('database gone');
    });
    await expect(failed).rejects.toThrow('database gone');
    run.emit('c', {});
    const handed: number[] = [];
    await run.checkpoint(async (events) => void handed.push(...events.map((event) => event.seq)));

    expect(handed).toEqual([1, 2, 3]);
  });
});

describe('ActiveRun.hold', () => {
  it('keeps the last event from followers, the bus and event writes until the final write hands it over and it is released', async () => {
    const { run, appended, release, bus } = activeRun();
    release();
    const published: number[] = [];
    await bus.subscribe<{ kind: string; seq?: number }>(`run:${run.id}`, (message) => void (message.seq && published.push(message.seq)));
    run.emit('a', {});
    run.hold('done', { status: 'succeeded' });
    run.emit('late', {});
    await run.flush();
    const before = { shown: run.events.map((event) => event.event), published: [...published], stored: [...appended] };

    const handed = await run.takeUnwritten();
    run.release();
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(before).toEqual({ shown: ['a'], published: [1], stored: [[1]] });
    expect(handed.map((event) => `${event.seq}:${event.event}`)).toEqual(['2:done']);
    expect(run.events.map((event) => `${event.seq}:${event.event}`)).toEqual(['1:a', '2:done']);
    expect(published).toEqual([1, 2]);
  });
});

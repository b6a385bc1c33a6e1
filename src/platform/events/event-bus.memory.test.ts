import { describe, expect, it, vi } from 'vitest';
import { type EventBusLogger, InMemoryEventBus } from './event-bus.memory.js';

function silentLogger(): EventBusLogger {
  return { warn: vi.fn(), error: vi.fn() };
}

/** Waits for a macrotask, by which time every queued microtask delivery has run. */
function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('InMemoryEventBus', () => {
  it('delivers asynchronously, in publish order, to every subscriber of the topic only', async () => {
    const bus = new InMemoryEventBus({ logger: silentLogger() });
    const first: unknown[] = [];
    const second: unknown[] = [];
    const other: unknown[] = [];
    await bus.subscribe('orders', (event) => first.push(event));
    await bus.subscribe('orders', (event) => second.push(event));
    await bus.subscribe('other', (event) => other.push(event));
    const publishing = [1, 2, 3, 4, 5].map((sequence) => bus.publish('orders', { sequence }));
    expect(first).toEqual([]);
    await Promise.all(publishing);
    await nextTick();
    const expected = [1, 2, 3, 4, 5].map((sequence) => ({ sequence }));
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    expect(other).toEqual([]);
    await bus.close();
  });

  it('gives every subscriber its own JSON copy', async () => {
    const bus = new InMemoryEventBus({ logger: silentLogger() });
    const copies: Array<{ items: string[]; at: unknown }> = [];
    const mutate = (event: { items: string[]; at: unknown }) => {
      event.items.push('mutated');
      copies.push(event);
    };
    await bus.subscribe('cart', mutate);
    await bus.subscribe('cart', mutate);
    const original = { items: ['apple'], at: new Date(0) };
    await bus.publish('cart', original);
    original.items.push('late');
    await nextTick();
    expect(copies).toEqual([
      { items: ['apple', 'mutated'], at: '1970-01-01T00:00:00.000Z' },
      { items: ['apple', 'mutated'], at: '1970-01-01T00:00:00.000Z' },
    ]);
    expect(original.items).toEqual(['apple', 'late']);
    await bus.close();
  });

  it('logs a throwing or rejecting handler without affecting others or the publisher', async () => {
    const logger = silentLogger();
    const bus = new InMemoryEventBus({ logger });
    const received: unknown[] = [];
    await bus.subscribe('jobs', () => {
      throw new Error('sync failure');
    });
    await bus.subscribe('jobs', async () => {
      throw new Error('async failure');
    });
    await bus.subscribe('jobs', (event) => received.push(event));
    await expect(bus.publish('jobs', { id: 1 })).resolves.toBeUndefined();
    await bus.publish('jobs', { id: 2 });
    await nextTick();
    expect(received).toEqual([{ id: 1 }, { id: 2 }]);
    expect(logger.error).toHaveBeenCalledTimes(4);
    expect(logger.error).toHaveBeenCalledWith(
      { topic: 'jobs', error: expect.objectContaining({ message: 'sync failure' }) },
      'Event handler failed',
    );
    await bus.close();
  });

  it('stops delivering after unsubscribe, including events already published', async () => {
    const bus = new InMemoryEventBus({ logger: silentLogger() });
    const kept: unknown[] = [];
    const removed: unknown[] = [];
    await bus.subscribe('feed', (event) => kept.push(event));
    const unsubscribe = await bus.subscribe('feed', (event) => removed.push(event));
    await bus.publish('feed', 'before');
    await nextTick();
    const inFlight = bus.publish('feed', 'in flight');
    await unsubscribe();
    await inFlight;
    await bus.publish('feed', 'after');
    await nextTick();
    expect(kept).toEqual(['before', 'in flight', 'after']);
    expect(removed).toEqual(['before']);
    await unsubscribe();
    await bus.close();
  });

  it('rejects events JSON cannot carry, and all calls after close', async () => {
    const bus = new InMemoryEventBus({ logger: silentLogger() });
    await expect(bus.publish('bad', undefined)).rejects.toThrow(/not JSON-serializable/);
    await expect(bus.publish('bad', { big: 1n })).rejects.toThrow(TypeError);
    const received: unknown[] = [];
    await bus.subscribe('topic', (event) => received.push(event));
    await bus.close();
    await expect(bus.publish('topic', {})).rejects.toThrow(/closed/);
    await expect(bus.subscribe('topic', () => {})).rejects.toThrow(/closed/);
    await nextTick();
    expect(received).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceAvailable, serviceUrl } from '../../test-kit/services.js';
import type { EventBusLogger } from './event-bus.memory.js';
import { RedisEventBus } from './event-bus.redis.js';

const hasRedis = await serviceAvailable('redis', 'event-bus.redis');

describe.runIf(hasRedis)('RedisEventBus', () => {
  const url = serviceUrl('redis');
  // A prefix unique to this run keeps parallel runs and other users of the server apart.
  const prefix = `test:events:${randomBytes(6).toString('hex')}:`;
  const loggerA: EventBusLogger = { warn: vi.fn(), error: vi.fn() };
  const loggerB: EventBusLogger = { warn: vi.fn(), error: vi.fn() };
  let instanceA: RedisEventBus;
  let instanceB: RedisEventBus;
  let raw: Redis;

  /** How many Redis connections are subscribed to the topic's channel. */
  async function subscriberCount(topic: string): Promise<number> {
    const reply = (await raw.call('PUBSUB', 'NUMSUB', `${prefix}${topic}`)) as [string, number];
    return Number(reply[1]);
  }

  beforeAll(() => {
    // Two buses with the same prefix stand for two app instances.
    instanceA = new RedisEventBus({ url, prefix, logger: loggerA });
    instanceB = new RedisEventBus({ url, prefix, logger: loggerB });
    raw = new Redis(url);
  });

  afterAll(async () => {
    await Promise.all([instanceA?.close(), instanceB?.close(), raw?.quit()]);
  });

  it('delivers events across instances, in order, to the publisher too', async () => {
    const seenByA: unknown[] = [];
    const seenByB: unknown[] = [];
    const stopA = await instanceA.subscribe('orders', (event) => seenByA.push(event));
    const stopB = await instanceB.subscribe('orders', (event) => seenByB.push(event));
    const expected = Array.from({ length: 20 }, (_, sequence) => ({ sequence, at: 'now' }));
    for (const event of expected) await instanceA.publish('orders', event);
    await vi.waitFor(() => expect(seenByB).toHaveLength(20), { interval: 5 });
    await vi.waitFor(() => expect(seenByA).toHaveLength(20), { interval: 5 });
    expect(seenByB).toEqual(expected);
    expect(seenByA).toEqual(expected);
    await Promise.all([stopA(), stopB()]);
  });

  it('keeps one Redis subscription per channel and unsubscribes when the last handler leaves', async () => {
    const kept: unknown[] = [];
    const removed: unknown[] = [];
    const stopKept = await instanceB.subscribe('feed', (event) => kept.push(event));
    const stopRemoved = await instanceB.subscribe('feed', (event) => removed.push(event));
    expect(await subscriberCount('feed')).toBe(1);

    await instanceA.publish('feed', 'both');
    await vi.waitFor(() => expect(removed).toEqual(['both']), { interval: 5 });
    await stopRemoved();
    expect(await subscriberCount('feed')).toBe(1);
    await instanceA.publish('feed', 'one');
    await vi.waitFor(() => expect(kept).toEqual(['both', 'one']), { interval: 5 });
    expect(removed).toEqual(['both']);

    await stopKept();
    expect(await subscriberCount('feed')).toBe(0);
    await stopKept();
  });

  it('drops malformed messages without breaking later ones', async () => {
    const received: unknown[] = [];
    const stop = await instanceB.subscribe('raw', (event) => received.push(event));
    await raw.publish(`${prefix}raw`, 'not json {');
    await instanceA.publish('raw', { valid: true });
    await vi.waitFor(() => expect(received).toEqual([{ valid: true }]), { interval: 5 });
    expect(loggerB.warn).toHaveBeenCalledWith(
      expect.objectContaining({ topic: 'raw', length: 10 }),
      'Dropped malformed event',
    );
    await stop();
  });

  it('isolates handler failures and copies between local handlers', async () => {
    const received: Array<{ items: string[] }> = [];
    const stopThrowing = await instanceB.subscribe<{ items: string[] }>('isolated', (event) => {
      event.items.push('mutated');
      throw new Error('handler failure');
    });
    const stopRecording = await instanceB.subscribe<{ items: string[] }>('isolated', (event) => received.push(event));
    await instanceA.publish('isolated', { items: ['first'] });
    await instanceA.publish('isolated', { items: ['second'] });
    await vi.waitFor(() => expect(received).toHaveLength(2), { interval: 5 });
    expect(received).toEqual([{ items: ['first'] }, { items: ['second'] }]);
    expect(loggerB.error).toHaveBeenCalledWith(
      { topic: 'isolated', error: expect.objectContaining({ message: 'handler failure' }) },
      'Event handler failed',
    );
    await Promise.all([stopThrowing(), stopRecording()]);
  });

  it('ends in the right Redis state when subscribe and unsubscribe race', async () => {
    const stops = await Promise.all([1, 2, 3].map(() => instanceB.subscribe('race', () => {})));
    expect(await subscriberCount('race')).toBe(1);
    const stopping = Promise.all(stops.map((stop) => stop()));
    // Let the UNSUBSCRIBE go out, then subscribe again while it may still be in flight.
    await new Promise((resolve) => setImmediate(resolve));
    const stopLast = await instanceB.subscribe('race', () => {});
    await stopping;
    expect(await subscriberCount('race')).toBe(1);
    await stopLast();
    expect(await subscriberCount('race')).toBe(0);
  });

  it('logs connection errors instead of crashing, and closes cleanly', async () => {
    const logger: EventBusLogger = { warn: vi.fn(), error: vi.fn() };
    // Port 1 refuses connections, so ioredis emits 'error' while it retries.
    const unreachable = new RedisEventBus({ url: 'redis://127.0.0.1:1', prefix, logger });
    await vi.waitFor(() => expect(logger.warn).toHaveBeenCalled(), { interval: 5 });
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ role: expect.any(String) }), 'Redis event bus connection error');
    await unreachable.close();
    await expect(unreachable.publish('any', {})).rejects.toThrow(/closed/);
  });
});

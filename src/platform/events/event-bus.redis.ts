import { Redis } from 'ioredis';
import type { EventBus, EventHandler } from './event-bus.js';
import {
  consoleEventBusLogger,
  encodeEvent,
  type EventBusLogger,
  type EventSubscription,
  invokeHandler,
} from './event-bus.memory.js';

/** Options of {@link RedisEventBus}. */
export interface RedisEventBusOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  url: string;
  /** Prepended verbatim to every topic to form the channel, so deployments and tests can share a Redis. */
  prefix?: string;
  /** Where connection errors, malformed messages and handler failures are logged (default: the console). */
  logger?: EventBusLogger;
}

/** The channel prefix used when none is given. */
export const defaultEventChannelPrefix = 'tiangong:events:';

/**
 * An {@link EventBus} over Redis pub/sub, so every app instance sees every event.
 * It keeps two connections because a connection in subscriber mode cannot publish.
 */
export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly logger: EventBusLogger;
  /** Local handlers by channel. */
  private readonly channels = new Map<string, Set<EventSubscription>>();
  /** Channels whose SUBSCRIBE Redis has acknowledged (and not since unsubscribed). */
  private readonly subscribedChannels = new Set<string>();
  /** The last SUBSCRIBE/UNSUBSCRIBE work per channel; later work chains on it so they never interleave. */
  private readonly channelOperations = new Map<string, Promise<void>>();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: RedisEventBusOptions) {
    this.prefix = options.prefix ?? defaultEventChannelPrefix;
    this.logger = options.logger ?? consoleEventBusLogger;
    this.publisher = this.connect(options.url, 'publisher');
    this.subscriber = this.connect(options.url, 'subscriber');
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Publishes `event` as JSON on the topic's channel; resolves once Redis accepted it. */
  async publish<Event>(topic: string, event: Event): Promise<void> {
    if (this.closed) throw new Error(`Cannot publish to "${topic}": the event bus is closed`);
    await this.publisher.publish(this.channelFor(topic), encodeEvent(topic, event));
  }

  /** Adds a handler for `topic`; resolves once Redis acknowledged the channel's SUBSCRIBE. */
  async subscribe<Event>(topic: string, handler: EventHandler<Event>): Promise<() => Promise<void>> {
    if (this.closed) throw new Error(`Cannot subscribe to "${topic}": the event bus is closed`);
    const channel = this.channelFor(topic);
    const subscription: EventSubscription = { handler: handler as EventHandler<unknown>, active: true };
    let subscriptions = this.channels.get(channel);
    if (!subscriptions) {
      subscriptions = new Set();
      this.channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    try {
      await this.reconcile(channel);
    } catch (error) {
      this.removeLocally(channel, subscription);
      throw error;
    }
    return () => this.unsubscribe(channel, subscription);
  }

  /** Ends every subscription and quits both connections. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** The Redis channel that carries `topic`. */
  channelFor(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  private connect(url: string, role: 'publisher' | 'subscriber'): Redis {
    const connection = new Redis(url, { connectionName: `tiangong-events-${role}` });
    // Without a listener ioredis reports errors as unhandled; ioredis reconnects by itself
    // (and re-subscribes the subscriber), so logging is all that is needed here.
    connection.on('error', (error: unknown) => this.logger.warn({ role, error }, 'Redis event bus connection error'));
    return connection;
  }

  private async unsubscribe(channel: string, subscription: EventSubscription): Promise<void> {
    if (!subscription.active) return;
    this.removeLocally(channel, subscription);
    if (this.closed) return;
    try {
      await this.reconcile(channel);
    } catch (error) {
      // The handler is already gone locally, so the caller's intent holds; a stray channel costs little.
      this.logger.warn({ channel, error }, 'Redis UNSUBSCRIBE failed');
    }
  }

  private removeLocally(channel: string, subscription: EventSubscription): void {
    subscription.active = false;
    const subscriptions = this.channels.get(channel);
    if (!subscriptions) return;
    subscriptions.delete(subscription);
    if (subscriptions.size === 0) this.channels.delete(channel);
  }

  /**
   * Brings the Redis subscription of `channel` in line with the local handlers. Decisions are
   * taken inside the per-channel chain, so a subscribe racing an unsubscribe ends in the right state.
   */
  private reconcile(channel: string): Promise<void> {
    const previous = this.channelOperations.get(channel) ?? Promise.resolve();
    const operation = previous.catch(() => undefined).then(() => this.applyChannelState(channel));
    this.channelOperations.set(channel, operation);
    const forget = () => {
      if (this.channelOperations.get(channel) === operation) this.channelOperations.delete(channel);
    };
    operation.then(forget, forget);
    return operation;
  }

  /**
   * Resolves once the subscriber connection is ready. A SUBSCRIBE queued before that reaches Redis
   * ahead of ioredis's own start-up commands, which Redis then refuses in subscriber mode; ioredis
   * reconnects, and messages published meanwhile are lost.
   */
  private subscriberReady(): Promise<void> {
    const { subscriber } = this;
    if (subscriber.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onReady = () => {
        subscriber.off('end', onEnd);
        resolve();
      };
      const onEnd = () => {
        subscriber.off('ready', onReady);
        reject(new Error('Redis event bus subscriber connection ended before it was ready'));
      };
      subscriber.once('ready', onReady);
      subscriber.once('end', onEnd);
    });
  }

  private async applyChannelState(channel: string): Promise<void> {
    const wanted = !this.closed && (this.channels.get(channel)?.size ?? 0) > 0;
    const subscribed = this.subscribedChannels.has(channel);
    if (wanted && !subscribed) {
      await this.subscriberReady();
      await this.subscriber.subscribe(channel);
      this.subscribedChannels.add(channel);
    } else if (!wanted && subscribed) {
      await this.subscriber.unsubscribe(channel);
      this.subscribedChannels.delete(channel);
    }
  }

  private dispatch(channel: string, message: string): void {
    const subscriptions = this.channels.get(channel);
    if (!subscriptions || subscriptions.size === 0) return;
    const topic = channel.slice(this.prefix.length);
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch (error) {
      // Anyone with access to Redis can publish here; one bad message must not stop the rest.
      this.logger.warn({ topic, length: message.length, error }, 'Dropped malformed event');
      return;
    }
    let first = true;
    for (const subscription of [...subscriptions]) {
      if (!subscription.active) continue;
      // Each handler after the first gets a fresh parse, so none can mutate another's copy.
      invokeHandler(subscription, first ? event : JSON.parse(message), topic, this.logger);
      first = false;
    }
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const subscriptions of this.channels.values()) {
      for (const subscription of subscriptions) subscription.active = false;
    }
    this.channels.clear();
    await Promise.all([closeConnection(this.publisher), closeConnection(this.subscriber)]);
  }
}

/** Quits politely when connected; otherwise drops the connection so close() never waits on a dead server. */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    try {
      await connection.quit();
      return;
    } catch {
      // Fall through: the connection broke while quitting.
    }
  }
  connection.disconnect();
}

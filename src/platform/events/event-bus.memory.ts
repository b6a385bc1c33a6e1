import type { EventBus, EventHandler } from './event-bus.js';

/** The logging an event bus needs; a pino logger fits. */
export interface EventBusLogger {
  /** Logs a dropped message or a connection problem. */
  warn(details: object, message: string): void;
  /** Logs a handler that threw. */
  error(details: object, message: string): void;
}

/** Options of {@link InMemoryEventBus}. */
export interface InMemoryEventBusOptions {
  /** Where handler failures are logged (default: the console). */
  logger?: EventBusLogger;
}

/** One handler's subscription; `active` turns false when it ends so queued deliveries skip it. */
export interface EventSubscription {
  handler: EventHandler<unknown>;
  active: boolean;
}

/** Logs to the console; the default when no logger is given. */
export const consoleEventBusLogger: EventBusLogger = {
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

/** Encodes an event as the JSON text every bus carries, rejecting values JSON cannot represent. */
export function encodeEvent(topic: string, event: unknown): string {
  const text = JSON.stringify(event);
  if (text === undefined) throw new TypeError(`Event on topic "${topic}" is not JSON-serializable`);
  return text;
}

/** Calls a handler, logging (never propagating) what it throws or, if async, rejects with. */
export function invokeHandler(subscription: EventSubscription, event: unknown, topic: string, logger: EventBusLogger): void {
  const logFailure = (error: unknown) => logger.error({ topic, error }, 'Event handler failed');
  try {
    const result: unknown = subscription.handler(event);
    if (result instanceof Promise) result.catch(logFailure);
  } catch (error) {
    logFailure(error);
  }
}

/** An {@link EventBus} within one process, with the same delivery semantics as the Redis one. */
export class InMemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Set<EventSubscription>>();
  private readonly logger: EventBusLogger;
  private closed = false;

  constructor(options: InMemoryEventBusOptions = {}) {
    this.logger = options.logger ?? consoleEventBusLogger;
  }

  /** Queues delivery of `event` to the topic's current subscribers; each gets its own JSON copy. */
  async publish<Event>(topic: string, event: Event): Promise<void> {
    if (this.closed) throw new Error(`Cannot publish to "${topic}": the event bus is closed`);
    const text = encodeEvent(topic, event);
    const subscriptions = [...(this.topics.get(topic) ?? [])];
    if (subscriptions.length === 0) return;
    // Deliver later, as Redis does, so no publisher comes to rely on handlers running inline;
    // microtasks run first-in first-out, which keeps publish order.
    queueMicrotask(() => this.deliver(topic, text, subscriptions));
  }

  /** Adds a handler for `topic`; resolves to a function that removes it. */
  async subscribe<Event>(topic: string, handler: EventHandler<Event>): Promise<() => Promise<void>> {
    if (this.closed) throw new Error(`Cannot subscribe to "${topic}": the event bus is closed`);
    const subscription: EventSubscription = { handler: handler as EventHandler<unknown>, active: true };
    let subscriptions = this.topics.get(topic);
    if (!subscriptions) {
      subscriptions = new Set();
      this.topics.set(topic, subscriptions);
    }
    subscriptions.add(subscription);
    return async () => this.unsubscribe(topic, subscription);
  }

  /** Ends every subscription; later publishes and subscribes reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const subscriptions of this.topics.values()) {
      for (const subscription of subscriptions) subscription.active = false;
    }
    this.topics.clear();
  }

  private unsubscribe(topic: string, subscription: EventSubscription): void {
    subscription.active = false;
    const subscriptions = this.topics.get(topic);
    if (!subscriptions) return;
    subscriptions.delete(subscription);
    if (subscriptions.size === 0) this.topics.delete(topic);
  }

  private deliver(topic: string, text: string, subscriptions: EventSubscription[]): void {
    for (const subscription of subscriptions) {
      // Parse per handler so no handler can mutate another's copy.
      if (subscription.active) invokeHandler(subscription, JSON.parse(text), topic, this.logger);
    }
  }
}

/** A handler of events published on a topic. */
export type EventHandler<Event = unknown> = (event: Event) => void;

/** Publish/subscribe of JSON events by topic, within one process or across instances. */
export interface EventBus {
  /** Delivers `event` to every current subscriber of `topic`, on every instance. */
  publish<Event>(topic: string, event: Event): Promise<void>;
  /** Subscribes to `topic`; resolves once the subscription is live, to a function that ends it. */
  subscribe<Event>(topic: string, handler: EventHandler<Event>): Promise<() => Promise<void>>;
  /** Ends every subscription and releases connections. */
  close(): Promise<void>;
}

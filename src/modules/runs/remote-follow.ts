import type { EventBus } from '../../platform/events/event-bus.js';
import { runTopic, type RunBusMessage, type RunEvent } from './active-run.js';
import { activeStatuses, type RunsRepository } from './runs.repository.js';

/** How a follower of a run executed elsewhere paces itself. */
export interface RemoteFollowTiming {
  /** Wait between database reads while a gap (published, not yet stored) closes. */
  gapRetryMs: number;
  /** Give up on a gap after this many reads and skip ahead (the writer lost events). */
  gapRetries: number;
  /** Re-read the run row this often while idle, to notice a run closed as interrupted. */
  idleCheckMs: number;
}

/** A queue of bus messages that a follower reads one at a time, with a timeout. */
class MessageQueue {
  private readonly items: RunBusMessage[] = [];
  private wake: (() => void) | undefined;

  push(message: RunBusMessage): void {
    this.items.push(message);
    this.wake?.();
  }

  /** The next message, or null after `timeoutMs` or on abort. */
  async next(timeoutMs: number, signal: AbortSignal): Promise<RunBusMessage | null> {
    if (this.items.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    return this.items.shift() ?? null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a run that another process executes. Steps: subscribe to its topic first (so nothing
 * published from now on is missed), replay the stored log after `afterSeq`, then yield live events
 * in order, filling any gap (published but not yet written) from the database, until `end`.
 */
export async function* followRemoteRun(options: {
  runId: string;
  afterSeq: number;
  repository: RunsRepository;
  events: EventBus;
  timing: RemoteFollowTiming;
  signal: AbortSignal;
}): AsyncGenerator<RunEvent> {
  const { runId, repository, timing, signal } = options;
  const queue = new MessageQueue();
  const unsubscribe = await options.events.subscribe<RunBusMessage>(runTopic(runId), (message) => queue.push(message));
  let last = options.afterSeq;
  const stored = async function* (until = Number.MAX_SAFE_INTEGER) {
    for (;;) {
      const rows = await repository.eventsAfter(runId, last, 500);
      for (const row of rows) {
        if (row.seq > until) return;
        last = row.seq;
        yield { seq: row.seq, event: row.event, data: row.data };
      }
      if (rows.length < 500) return;
    }
  };
  const isOver = async () => {
    const run = await repository.findAnyById(runId);
    return !run || !activeStatuses.includes(run.status);
  };
  try {
    yield* stored();
    if (await isOver()) return yield* stored();
    while (!signal.aborted) {
      const message = await queue.next(timing.idleCheckMs, signal);
      if (!message) {
        if (!signal.aborted && (await isOver())) return yield* stored();
        continue;
      }
      if (message.kind === 'end') return yield* stored();
      if (message.seq <= last) continue;
      for (let attempt = 0; message.seq > last + 1 && attempt < timing.gapRetries; attempt += 1) {
        yield* stored(message.seq - 1);
        if (message.seq > last + 1) await sleep(timing.gapRetryMs);
      }
      last = message.seq;
      yield { seq: message.seq, event: message.event, data: message.data };
    }
  } finally {
    await unsubscribe();
  }
}

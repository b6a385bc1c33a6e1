import type { Clock } from '../../platform/clock.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { Logger } from '../../platform/logger.js';
import type { NewRun, RunRecord, RunsRepository } from './runs.repository.js';

/** One event of a run as subscribers see it. */
export interface RunEvent {
  seq: number;
  event: string;
  data: Record<string, unknown>;
}

/** What travels on a run's bus topic: its events, then one `end`. */
export type RunBusMessage = ({ kind: 'event' } & RunEvent) | { kind: 'end' };

/** The bus topic of one run's live events. */
export const runTopic = (runId: string) => `run:${runId}`;

/** How many buffered events trigger a write before the timer does. */
const flushBatch = 64;

/**
 * A run this process is executing: its full event log in memory (local followers read it with no
 * race), published live on the bus for other instances, and written to the database in batches so
 * a token stream does not cost one INSERT per token.
 */
export class ActiveRun {
  readonly controller = new AbortController();
  readonly events: RunEvent[] = [];
  ended = false;
  private unwritten: RunEvent[] = [];
  /** The run's last event, held back from followers until the run's final write is stored. */
  private held: RunEvent | null = null;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    /** The run as inserted (or, when `storedWhenDone`, as it will be inserted at the end). */
    readonly record: NewRun & { startedAt: Date },
    private readonly deps: { repository: RunsRepository; events: EventBus; clock: Clock; logger: Logger; flushMs: number },
    /** Nothing is written until the run ends: its events wait in memory for the one final write. */
    readonly storedWhenDone = false,
    /** The events a resumed run already has (stored), so numbering and local followers carry on. */
    history: RunEvent[] = [],
  ) {
    this.events.push(...history);
  }

  get id(): string {
    return this.record.id;
  }

  get ownerId(): string {
    return this.record.ownerId;
  }

  get lastSeq(): number {
    return this.events.length;
  }

  /** The run as its row would show it while it goes on. */
  asRecord(): RunRecord {
    const { record } = this;
    return {
      ...record,
      agentId: record.agentId ?? null,
      sessionId: record.sessionId ?? null,
      parentRunId: record.parentRunId ?? null,
      output: null,
      errorCode: null,
      errorMessage: null,
      usage: null,
      lastSeq: this.lastSeq,
      finishedAt: null,
    };
  }

  /** Appends one event: numbered, kept, published, and queued for the database. */
  emit(event: string, data: Record<string, unknown>): void {
    // Nothing follows the last event (see hold).
    if (this.ended || this.held) return;
    const entry = { seq: this.events.length + 1, event, data };
    this.events.push(entry);
    this.unwritten.push(entry);
    this.wake();
    void this.deps.events.publish<RunBusMessage>(runTopic(this.id), { kind: 'event', ...entry }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, runId: this.id }, 'run event publish failed');
    });
    if (this.storedWhenDone) return;
    if (this.unwritten.length >= flushBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.deps.flushMs);
  }

  /**
   * Sets the run's last event (`done`, `paused`, `waiting`, the closing `error`): numbered after
   * the others but neither shown to followers, published nor written until {@link takeUnwritten}
   * hands it to the run's final write and {@link release} shows it, once that write is stored.
   * Whoever sees it then finds the run stored in the state it announces (a `paused` run can be
   * resumed at once). A later call replaces it; `emit` drops events after it.
   */
  hold(event: string, data: Record<string, unknown>): void {
    if (this.ended) return;
    this.held = { seq: this.events.length + 1, event, data };
  }

  /** Shows the held last event to followers and publishes it (after the final write). */
  release(): void {
    const entry = this.held;
    if (!entry || this.ended) return;
    this.held = null;
    this.events.push(entry);
    this.wake();
    void this.deps.events.publish<RunBusMessage>(runTopic(this.id), { kind: 'event', ...entry }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, runId: this.id }, 'run event publish failed');
    });
  }

  /** Writes what is buffered; resolves when every event so far is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.unwritten;
    this.unwritten = [];
    if (batch.length > 0) {
      const createdAt = this.deps.clock.now();
      const rows = batch.map((entry) => ({ ...entry, createdAt }));
      this.writing = this.writing
        .then(() => this.deps.repository.appendEvents(this.id, rows))
        .catch((error: unknown) => this.deps.logger.error({ err: error, runId: this.id }, 'run events not stored'));
    }
    return this.writing;
  }

  /**
   * Hands what is buffered to `write`, which stores it beside another write of the run in one
   * statement, after the earlier writes (so the log stays in order). When `write` fails, the events
   * go back to the buffer for the next write and the returned promise rejects.
   */
  checkpoint(write: (events: Array<RunEvent & { createdAt: Date }>) => Promise<void>): Promise<void> {
    // A run stored when done has no row yet: its events wait for the outcome, the write goes alone.
    if (this.storedWhenDone) return this.writing.then(() => write([]));
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.unwritten;
    this.unwritten = [];
    const createdAt = this.deps.clock.now();
    const written = this.writing.then(() => write(batch.map((entry) => ({ ...entry, createdAt }))));
    this.writing = written.catch(() => {
      this.unwritten = [...batch, ...this.unwritten];
    });
    return written;
  }

  /**
   * Stops buffering and hands over what is not written yet (the held last event at the end), once
   * earlier writes are done, so the last events and the run's outcome can be stored in one statement.
   */
  async takeUnwritten(): Promise<Array<RunEvent & { createdAt: Date }>> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    const batch = this.held ? [...this.unwritten, this.held] : this.unwritten;
    this.unwritten = [];
    const createdAt = this.deps.clock.now();
    return batch.map((entry) => ({ ...entry, createdAt }));
  }

  /** Marks the log complete and wakes every follower; the bus hears `end` once the run row says so. */
  async end(): Promise<void> {
    this.ended = true;
    this.wake();
    await this.deps.events.publish<RunBusMessage>(runTopic(this.id), { kind: 'end' }).catch(() => undefined);
  }

  /** Resolves at the next event or the end, whichever comes first. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

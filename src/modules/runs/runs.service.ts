import type { Clock } from '../../platform/clock.js';
import type { RunKind, RunStatus } from '../../platform/db/schema/index.js';
import type { AppError } from '../../platform/errors/app-error.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import { pageOf, pageWindow, type Page } from '../../platform/pagination.js';
import { ActiveRun, runTopic, type RunBusMessage, type RunEvent } from './active-run.js';
import { followLocalRun } from './local-follow.js';
import { followRemoteRun } from './remote-follow.js';
import { defaultRunsTiming, settledWithin, type RunExecutor, type RunResumer, type RunSettlement, type RunSpec, type RunsTiming, type StartedRun } from './runs.contract.js';
import { closingErrorEvent, runCancelled, runInterrupted, runNotActive, runNotFound } from './runs.errors.js';
import { Batcher } from './batcher.js';
import { executeRun } from './run-execution.js';
import { activeStatuses, resumableStatuses, type NewRun, type RunEnding, type RunRecord, type RunsRepository } from './runs.repository.js';
import type { RunListQuery } from './runs.schemas.js';
import { toRunView, type RunView } from './runs.view.js';

export * from './runs.contract.js';

/** The bus topic on which cancels reach whichever instance executes the run. */
const controlTopic = 'runs:control';

interface ControlMessage {
  action: 'cancel';
  runId: string;
}

/** Durable runs: start, observe, follow, cancel; close what a dead process left running. */
export class RunsService {
  private readonly active = new Map<string, { run: ActiveRun; settled: Promise<RunSettlement> }>();
  private readonly timing: RunsTiming;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private stopControl: (() => Promise<void>) | undefined;
  private readonly resumers = new Map<RunKind, RunResumer>();
  /** Runs stored as pending that wait in this process's job queue: beaten so nobody takes them over. */
  private readonly queued = new Set<string>();
  /** Runs this process is reopening (stored as running, not executing yet), and cancels that reached them then. */
  private readonly starting = new Set<string>();
  private readonly cancelledWhileStarting = new Set<string>();
  /** Final writes of runs that end at once share a statement (group commit). */
  private readonly endings: Batcher<RunEnding>;

  constructor(
    private readonly deps: {
      repository: RunsRepository;
      events: EventBus;
      clock: Clock;
      ids: IdGenerator;
      logger: Logger;
      timing?: Partial<RunsTiming>;
    },
  ) {
    this.timing = { ...defaultRunsTiming, ...deps.timing };
    this.endings = new Batcher(async (ended) => {
      await deps.repository.finishMany(ended);
      return ended.map((): void => undefined);
    });
  }

  /**
   * Closes runs a dead process left running (on an embedded database every one of them: no other
   * process can hold it), then beats for this process's runs and listens for cancels.
   */
  async open(options: { exclusive: boolean }): Promise<void> {
    const now = this.deps.clock.now();
    const staleBefore = options.exclusive ? new Date(now.getTime() + 1) : new Date(now.getTime() - this.timing.staleMs);
    await this.closeInterrupted(staleBefore);
    this.stopControl = await this.deps.events.subscribe<ControlMessage>(controlTopic, (message) => {
      const active = this.active.get(message.runId);
      if (active) active.run.controller.abort(runCancelled(message.runId));
      // Stored as running already, not executing yet: the run starts cancelled.
      else if (this.starting.has(message.runId)) this.cancelledWhileStarting.add(message.runId);
    });
    this.heartbeatTimer = setInterval(() => void this.beat(), this.timing.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /**
   * Runs of `kind` left running by a dead process are handed to `resumer` instead of being closed
   * as interrupted (register before `open`).
   */
  registerResumable(kind: RunKind, resumer: RunResumer): void {
    this.resumers.set(kind, resumer);
  }

  /**
   * Continues a paused or waiting run with a new executor (its events carry on numbering); null when
   * the run is not in one of the `from` states (already resumed, finished, or not there).
   */
  async resume(runId: string, executor: RunExecutor, from: readonly RunStatus[] = resumableStatuses) {
    return this.resumeClaimed(runId, async (now) => {
      const record = await this.deps.repository.reopen(runId, from, now);
      return record ? { record, executor } : null;
    });
  }

  /**
   * Like {@link resume}, but `claim` reopens the run itself (in one of the states it may leave),
   * reading in the same statement what the executor needs, and answers the run's row with the
   * executor; null when the run was not in those states (nothing starts then).
   */
  async resumeClaimed(runId: string, claim: (now: Date) => Promise<{ record: RunRecord; executor: RunExecutor } | null>): Promise<StartedRun | null> {
    this.queued.delete(runId);
    this.starting.add(runId);
    try {
      const claimed = await claim(this.deps.clock.now());
      return claimed ? await this.continue(claimed.record, claimed.executor) : null;
    } finally {
      this.starting.delete(runId);
      this.cancelledWhileStarting.delete(runId);
    }
  }

  /**
   * Stores a run as `pending` for a job to start later with `resume(id, executor, ['pending'])`.
   * Until then this process beats for it; if the process dies, the run is taken over like a
   * running one (its kind must be resumable) or closed as interrupted.
   */
  async enqueue(actor: Actor, spec: Omit<RunSpec, 'storeWhenDone' | 'signal'>): Promise<string> {
    const record = this.newRecord(actor, spec, 'pending');
    await this.insert(spec, record);
    this.queued.add(record.id);
    return record.id;
  }

  /** Stores a new run's row: the spec's own insert (with the caller's row of it), or the repository's. */
  private async insert(spec: Pick<RunSpec, 'insert'>, record: NewRun): Promise<void> {
    if (spec.insert) await spec.insert(record);
    else await this.deps.repository.insert(record);
  }

  /** The row of a new run: queued (`pending`, not started) or `running` from now. */
  private newRecord(actor: Actor, spec: Omit<RunSpec, 'storeWhenDone' | 'signal'>, status: 'pending' | 'running') {
    const now = this.deps.clock.now();
    return {
      id: spec.id ?? this.deps.ids.uuid(),
      ownerId: actor.userId,
      kind: spec.kind,
      status,
      agentId: spec.agentId ?? null,
      sessionId: spec.sessionId ?? null,
      parentRunId: spec.parentRunId ?? null,
      input: spec.input,
      createdAt: now,
      startedAt: status === 'running' ? now : null,
      heartbeatAt: now,
    };
  }

  /** Executes a stored run again in this process, with its event log so far (resume, crash take-over). */
  async continue(record: RunRecord, executor: RunExecutor): Promise<StartedRun> {
    // A run that never stored an event (a queued run starting now) has no history to read.
    const stored = record.lastSeq === 0 ? [] : await this.deps.repository.allEvents(record.id);
    const history = stored.map(({ seq, event, data }) => ({ seq, event, data }));
    const run = new ActiveRun({ ...record, startedAt: record.startedAt ?? this.deps.clock.now() }, { ...this.deps, flushMs: this.timing.flushMs }, false, history);
    if (this.cancelledWhileStarting.has(record.id)) run.controller.abort(runCancelled(record.id));
    const settled = this.execute(run, executor);
    this.active.set(record.id, { run, settled });
    return { id: record.id, settled };
  }

  /** Starts a run in the background; its events are readable at once. */
  async start(actor: Actor, spec: RunSpec, executor: RunExecutor): Promise<StartedRun> {
    const fresh = this.newRecord(actor, spec, 'running');
    const record = { ...fresh, status: 'running' as const, startedAt: fresh.createdAt };
    const { id } = record;
    if (!spec.storeWhenDone) await this.insert(spec, record);
    const run = new ActiveRun(record, { ...this.deps, flushMs: this.timing.flushMs }, spec.storeWhenDone);
    const onCallerGone = () => run.controller.abort(runCancelled(id));
    spec.signal?.addEventListener('abort', onCallerGone, { once: true });
    const settled = this.execute(run, executor, spec.closingEventFields).finally(() => spec.signal?.removeEventListener('abort', onCallerGone));
    this.active.set(id, { run, settled });
    return { id, settled };
  }

  /** Fails a queued run that cannot start (what it runs was deleted meanwhile ...), with its closing event. */
  async abandon(runId: string, error: AppError): Promise<void> {
    this.queued.delete(runId);
    await this.closeOrphan(runId, 'failed', error, ['pending']);
  }

  /** The caller's run. */
  async get(actor: Actor, id: string): Promise<RunView> {
    const local = this.active.get(id)?.run;
    if (local?.ownerId === actor.userId) return toRunView(local.asRecord(), local.lastSeq);
    const record = await this.deps.repository.findById(actor.userId, id);
    if (!record) throw runNotFound(id);
    return toRunView(record);
  }

  /** How many runs started this one, one inside the other (0 for a run nobody started). */
  async depthOf(runId: string): Promise<number> {
    // Runs of this process may not be stored yet (storeWhenDone), so the chain is walked in memory first.
    let depth = 0;
    let current: string | null = runId;
    for (let local = this.active.get(current); local; local = current ? this.active.get(current) : undefined) {
      current = local.run.record.parentRunId ?? null;
      if (current) depth += 1;
    }
    return current === null ? depth : depth + (await this.deps.repository.depth(current));
  }

  /** The caller's runs, newest first. */
  async list(actor: Actor, query: RunListQuery): Promise<Page<RunView>> {
    const filter = { kind: query.kind, status: query.status, agentId: query.agent_id, sessionId: query.session_id };
    const result = await this.deps.repository.listByOwner(actor.userId, filter, pageWindow(query));
    return pageOf(query, result, (record) => toRunView(record, this.active.get(record.id)?.run.lastSeq));
  }

  /** The caller's run's events after `afterSeq`, then live ones until it ends (or `signal` aborts). */
  async follow(actor: Actor, id: string, afterSeq: number, signal: AbortSignal): Promise<AsyncGenerator<RunEvent>> {
    // A run this process executes answers from memory: no database read before the first token.
    const local = this.active.get(id);
    if (local?.run.ownerId === actor.userId) return followLocalRun(local.run, afterSeq, signal);
    const record = await this.deps.repository.findById(actor.userId, id);
    if (!record) throw runNotFound(id);
    return followRemoteRun({ ...this.deps, runId: id, afterSeq, timing: this.timing, signal });
  }

  /** Stops the caller's running run and answers how it ended (or still is, if it did not stop in time). */
  async cancel(actor: Actor, id: string): Promise<RunView> {
    const { repository, clock } = this.deps;
    const local = this.active.get(id);
    if (local?.run.ownerId === actor.userId) {
      local.run.controller.abort(runCancelled(id));
      await settledWithin(local.settled, this.timing.cancelWaitMs);
      return this.get(actor, id);
    }
    const record = await repository.findById(actor.userId, id);
    if (!record) throw runNotFound(id);
    if (record.status === 'pending' || resumableStatuses.includes(record.status)) {
      // Nobody executes a queued, paused or waiting run: cancelling it is closing it (a queued
      // run's job then finds it no longer pending and skips it).
      this.queued.delete(id);
      const closed = await this.closeOrphan(id, 'cancelled', runCancelled(id), [record.status]);
      const current = await this.get(actor, id);
      // It left that state meanwhile: a queued run's job (or a resume) started it, so stop it running.
      return !closed && activeStatuses.includes(current.status) ? this.cancel(actor, id) : current;
    }
    if (!activeStatuses.includes(record.status)) throw runNotActive(id, record.status);
    if (record.heartbeatAt.getTime() < clock.now().getTime() - this.timing.staleMs) {
      await this.closeOrphan(id, 'cancelled', runCancelled(id));
    } else {
      await this.deps.events.publish<ControlMessage>(controlTopic, { action: 'cancel', runId: id });
      await this.waitUntilFinished(actor, id);
    }
    return this.get(actor, id);
  }

  /** Interrupts this process's runs (they end as failed `interrupted`) and stops the timers. */
  async close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    await this.stopControl?.();
    const running = [...this.active.values()];
    for (const { run } of running) run.controller.abort(runInterrupted());
    await Promise.all(running.map(({ settled }) => settled));
  }

  private execute(run: ActiveRun, executor: RunExecutor, closingEventFields?: Record<string, unknown>): Promise<RunSettlement> {
    const storeEnding = (ending: RunEnding) => this.endings.run(ending);
    return executeRun(run, executor, { ...this.deps, storeEnding, onStored: () => this.active.delete(run.id), closingEventFields });
  }

  private async beat(): Promise<void> {
    try {
      await this.deps.repository.heartbeat([...this.active.keys(), ...this.queued], this.deps.clock.now());
      await this.closeInterrupted(new Date(this.deps.clock.now().getTime() - this.timing.staleMs));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'run heartbeat failed');
    }
  }

  private async closeInterrupted(staleBefore: Date): Promise<void> {
    const { repository, clock, logger } = this.deps;
    const kinds = [...this.resumers.keys()];
    const closed = await repository.closeInterrupted(staleBefore, clock.now(), kinds, { event: 'error', data: closingErrorEvent(runInterrupted()) });
    for (const run of closed) await this.deps.events.publish<RunBusMessage>(runTopic(run.id), { kind: 'end' }).catch(() => undefined);
    if (closed.length > 0) logger.warn({ runs: closed.length }, 'closed runs interrupted by a stopped process');
    for (const record of await repository.claimStale(kinds, staleBefore, clock.now())) {
      try {
        await this.resumers.get(record.kind)!(record);
        logger.warn({ runId: record.id, kind: record.kind }, 'resumed a run interrupted by a stopped process');
      } catch (error) {
        logger.error({ err: error, runId: record.id }, 'could not resume an interrupted run');
        await this.closeOrphan(record.id, 'failed', runInterrupted());
      }
    }
  }

  /**
   * Ends a run nobody executes any more, with its closing `error` event in the same statement (a
   * follower that reads it as ended finds its whole log); false if it was not in `from`.
   */
  private async closeOrphan(runId: string, status: RunStatus, error: AppError, from?: readonly RunStatus[]): Promise<boolean> {
    const change = { status, now: this.deps.clock.now(), error: { code: error.code, message: error.message } };
    if (!(await this.deps.repository.close(runId, change, { event: 'error', data: closingErrorEvent(error) }, from))) return false;
    await this.deps.events.publish<RunBusMessage>(runTopic(runId), { kind: 'end' }).catch(() => undefined);
    return true;
  }

  private async waitUntilFinished(actor: Actor, id: string): Promise<void> {
    const deadline = Date.now() + this.timing.cancelWaitMs;
    while (Date.now() < deadline) {
      const record = await this.deps.repository.findById(actor.userId, id);
      if (!record || !activeStatuses.includes(record.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}


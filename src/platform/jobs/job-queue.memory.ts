import type { IdGenerator } from '../ids.js';
import type { EnqueueOptions, JobContext, JobHandler, JobHandlerOptions, JobQueue } from './job-queue.js';

/** The logging the queue needs; a pino logger fits. */
export interface JobQueueLogger {
  /** Logs a recoverable problem (a retry, a job dropped on close). */
  warn(details: object, message: string): void;
  /** Logs a job given up after its last attempt. */
  error(details: object, message: string): void;
}

/** A job whose last attempt failed and which the queue dropped. */
export interface FailedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  error: unknown;
}

/** Options of {@link InMemoryJobQueue}. */
export interface InMemoryJobQueueOptions {
  /** Source of job ids. */
  ids: IdGenerator;
  /** Where retries and failures are logged (default: the console). */
  logger?: JobQueueLogger;
  /** Called after a job's last attempt failed, so tests and metrics can see give-ups. */
  onFailed?: (failure: FailedJob) => void;
}

interface Job {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  attempts: number;
  backoffMs: number;
}

interface Registration {
  handler: JobHandler<unknown>;
  concurrency: number;
  running: number;
  ready: Job[];
}

type AttemptResult = { ok: true } | { ok: false; error: unknown };

const consoleLogger: JobQueueLogger = {
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

/** A {@link JobQueue} that runs jobs inside this process; jobs do not survive a restart. */
export class InMemoryJobQueue implements JobQueue {
  private readonly registrations = new Map<string, Registration>();
  /** Delay and retry timers, with the job each one will make ready. */
  private readonly timers = new Map<NodeJS.Timeout, Job>();
  private readonly executions = new Set<Promise<void>>();
  private readonly abortController = new AbortController();
  private readonly logger: JobQueueLogger;
  private idleWaiters: Array<() => void> = [];
  /** Jobs enqueued and not yet finished: waiting on a timer, ready, or running. */
  private outstanding = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: InMemoryJobQueueOptions) {
    this.logger = options.logger ?? consoleLogger;
  }

  /** Registers the handler for jobs called `name`; registering a name twice is an error. */
  register<Payload>(name: string, handler: JobHandler<Payload>, options: JobHandlerOptions = {}): void {
    if (this.registrations.has(name)) throw new Error(`Job "${name}" already has a handler`);
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`Job "${name}": concurrency must be a positive integer, got ${concurrency}`);
    }
    this.registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency, running: 0, ready: [] });
  }

  /** Adds a job and resolves to its id; rejects when the name has no handler or the queue is closed. */
  async enqueue<Payload>(name: string, payload: Payload, options: EnqueueOptions = {}): Promise<string> {
    if (this.closed) throw new Error(`Cannot enqueue job "${name}": the queue is closed`);
    if (!this.registrations.has(name)) {
      throw new Error(`Cannot enqueue job "${name}": no handler is registered for it (call register() first)`);
    }
    const { delayMs, attempts, backoffMs } = validateEnqueueOptions(name, options);
    const job: Job = { id: this.options.ids.uuid(), name, payload: cloneAsJson(name, payload), attempt: 1, attempts, backoffMs };
    this.outstanding++;
    this.schedule(job, delayMs);
    return job.id;
  }

  /** Resolves once no job is waiting, ready or running (at once if the queue is idle already). */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking jobs, drops those not started, aborts running handlers' signals and waits for them. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    const dropped: Job[] = [...this.timers.values()];
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
    for (const registration of this.registrations.values()) dropped.push(...registration.ready.splice(0));
    if (dropped.length > 0) {
      this.logger.warn({ jobIds: dropped.map((job) => job.id) }, 'Job queue closed; dropping jobs that had not started');
    }
    for (let index = 0; index < dropped.length; index++) this.settle();
    this.abortController.abort(new Error('Job queue closed'));
    await Promise.allSettled([...this.executions]);
  }

  private schedule(job: Job, delayMs: number): void {
    if (delayMs <= 0) {
      this.makeReady(job);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.makeReady(job);
    }, delayMs);
    // A pending delay or retry must never keep the process alive on its own.
    timer.unref();
    this.timers.set(timer, job);
  }

  private makeReady(job: Job): void {
    const registration = this.registrations.get(job.name)!;
    registration.ready.push(job);
    this.pump(registration);
  }

  private pump(registration: Registration): void {
    while (!this.closed && registration.running < registration.concurrency && registration.ready.length > 0) {
      this.start(registration, registration.ready.shift()!);
    }
  }

  private start(registration: Registration, job: Job): void {
    registration.running++;
    const execution = this.attempt(registration, job).then((result) => {
      registration.running--;
      this.executions.delete(execution);
      this.afterAttempt(job, result);
      this.pump(registration);
    });
    this.executions.add(execution);
  }

  private async attempt(registration: Registration, job: Job): Promise<AttemptResult> {
    const context: JobContext<unknown> = {
      id: job.id,
      name: job.name,
      payload: job.payload,
      attempt: job.attempt,
      signal: this.abortController.signal,
    };
    try {
      // Start on a later microtask so a handler never runs inside the enqueue() call that queued it,
      // and so a handler that throws synchronously is treated like one that rejects.
      await Promise.resolve().then(() => registration.handler(context));
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  }

  private afterAttempt(job: Job, result: AttemptResult): void {
    if (result.ok) return this.settle();
    const details = { jobId: job.id, name: job.name, attempt: job.attempt, attempts: job.attempts, error: result.error };
    if (this.closed) {
      this.logger.warn(details, 'Job failed while the queue was closing; not retrying');
      return this.settle();
    }
    if (job.attempt < job.attempts) {
      const delayMs = job.backoffMs * 2 ** (job.attempt - 1);
      this.logger.warn({ ...details, retryInMs: delayMs }, 'Job failed; retrying');
      this.schedule({ ...job, attempt: job.attempt + 1 }, delayMs);
      return;
    }
    this.logger.error(details, 'Job failed on its last attempt; dropping it');
    this.notifyFailed({ id: job.id, name: job.name, payload: job.payload, attempts: job.attempts, error: result.error });
    this.settle();
  }

  private notifyFailed(failure: FailedJob): void {
    try {
      this.options.onFailed?.(failure);
    } catch (error) {
      // A faulty observer must not corrupt the queue's bookkeeping.
      this.logger.error({ jobId: failure.id, error }, 'onFailed hook threw');
    }
  }

  private settle(): void {
    this.outstanding--;
    if (this.outstanding > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function validateEnqueueOptions(name: string, options: EnqueueOptions): Required<EnqueueOptions> {
  const delayMs = options.delayMs ?? 0;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`Job "${name}": delayMs must be a non-negative number, got ${delayMs}`);
  }
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`Job "${name}": attempts must be a positive integer, got ${attempts}`);
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new RangeError(`Job "${name}": backoffMs must be a non-negative number, got ${backoffMs}`);
  }
  return { delayMs, attempts, backoffMs };
}

/**
 * Payloads go through JSON, as they would in a Redis-backed queue, so code that works here
 * (no Dates, Maps or class instances in payloads; no sharing with the caller) works there too.
 */
function cloneAsJson(name: string, payload: unknown): unknown {
  const text = JSON.stringify(payload);
  if (text === undefined) throw new TypeError(`Job "${name}": payload is not JSON-serializable`);
  return JSON.parse(text);
}

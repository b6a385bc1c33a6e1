import { AppError } from '../errors/app-error.js';
import { limitsSchema, prepareRun } from './run-request.js';
import { failedRun, toRunResult } from './run-result.js';
import { defaultSandboxLimits, type Sandbox, type SandboxLanguage, type SandboxLimits, type SandboxRunRequest, type SandboxRunResult } from './sandbox.js';
import { createWorkerLaunch, type WorkerEntry, type WorkerLaunch } from './worker-launch.js';
import { PoolWaitAborted, WorkerPool, type WorkerPoolStatus } from './worker-pool.js';
import { WorkerProcess } from './worker-process.js';

/** Where the sandbox reports problems it recovers from (a Python snapshot that could not be made). */
export interface SandboxLogger {
  /** Logs a recoverable problem. */
  warn(details: object, message: string): void;
}

/** Options of {@link createProcessSandbox}. */
export interface ProcessSandboxOptions {
  /** Warm workers per language, also the runs per language at once (default javascript 2, python 1); 0 disables the language. */
  poolSize?: Partial<Record<SandboxLanguage, number>>;
  /** Limits for runs that do not set their own (default {@link defaultSandboxLimits}). */
  defaults?: Partial<SandboxLimits>;
  /** A JavaScript worker is replaced after this many jobs (default 100). */
  maxJobsPerWorker?: number;
  /** How often the parent reads a busy worker's resident memory (default 100 ms). */
  memoryPollIntervalMs?: number;
  /** Resident memory a worker may add beyond the run's memory limit before it is killed (default 64 MiB). */
  memorySlackMb?: number;
  /** Start Python workers from a memory snapshot of a booted interpreter (default true). */
  pythonSnapshot?: boolean;
  /** Where recoverable problems are logged (default: the console). */
  logger?: SandboxLogger;
  /** The worker code to run; by default the compiled file or, under tsx, the bundled sources. */
  workerEntry?: WorkerEntry;
}

/** A sandbox of worker processes, with pool control for start-up and health checks. */
export interface ProcessSandbox extends Sandbox {
  /** Starts the pools of the given languages (default both) and resolves when their workers are ready. */
  warmUp(languages?: SandboxLanguage[]): Promise<void>;
  /** Counts and process ids of each pool's workers. */
  status(): Record<SandboxLanguage, WorkerPoolStatus>;
}

const startTimeoutMs: Record<SandboxLanguage, number> = { javascript: 30_000, python: 90_000 };
const snapshotTimeoutMs = 180_000;
/** Both interpreters stop themselves at the deadline (keeping the logs); the parent's SIGKILL follows only if they do not. */
const killGraceMs = 250;
const mebibyte = 1024 * 1024;

const consoleLogger: SandboxLogger = { warn: (details, message) => console.warn(message, details) };

function wholeNumber(value: number | undefined, fallback: number, name: string, minimum: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < minimum) throw new RangeError(`Sandbox option ${name} must be an integer >= ${minimum}, got ${chosen}`);
  return chosen;
}

/** Runs JavaScript (QuickJS) and Python (Pyodide) in warm pools of locked-down worker processes. */
class WorkerProcessSandbox implements ProcessSandbox {
  private readonly defaults: SandboxLimits;
  private readonly pools: Record<SandboxLanguage, WorkerPool>;
  private readonly processes = new Set<WorkerProcess>();
  private readonly logger: SandboxLogger;
  private readonly memorySlackBytes: number;
  private readonly memoryPollIntervalMs: number;
  private launch: WorkerLaunch | undefined;
  private snapshot: Promise<Uint8Array | undefined> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ProcessSandboxOptions) {
    const limits = limitsSchema.safeParse({ ...defaultSandboxLimits, ...options.defaults });
    if (!limits.success) throw new RangeError(`Invalid sandbox defaults: ${limits.error.message}`);
    this.defaults = limits.data;
    this.logger = options.logger ?? consoleLogger;
    const maxJobsPerWorker = wholeNumber(options.maxJobsPerWorker, 100, 'maxJobsPerWorker', 1);
    this.memorySlackBytes = wholeNumber(options.memorySlackMb, 64, 'memorySlackMb', 0) * mebibyte;
    this.memoryPollIntervalMs = wholeNumber(options.memoryPollIntervalMs, 100, 'memoryPollIntervalMs', 1);
    const pool = (language: SandboxLanguage, size: number): WorkerPool =>
      new WorkerPool({
        size: wholeNumber(options.poolSize?.[language], size, `poolSize.${language}`, 0),
        singleUse: language === 'python',
        maxJobsPerWorker,
        startWorker: () => this.startWorker(language),
      });
    this.pools = { javascript: pool('javascript', 2), python: pool('python', 1) };
  }

  /** Validates, waits for a worker of the language, runs the job under the parent's limits, hands the worker back. */
  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    if (this.closing) throw new AppError({ code: 'SANDBOX_CLOSED', category: 'unavailable', message: 'The sandbox is closed' });
    const { language, job, limits } = prepareRun(request, this.defaults);
    const pool = this.pools[language];
    if (pool.disabled) {
      throw new AppError({ code: 'SANDBOX_LANGUAGE_DISABLED', category: 'unavailable', message: `Running ${language} is disabled on this server` });
    }
    let worker: WorkerProcess;
    try {
      worker = await pool.acquire(request.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failedRun(error instanceof PoolWaitAborted ? 'aborted' : 'crashed', message, 0);
    }
    const startedAt = performance.now();
    const end = await worker.execute(job, {
      hardTimeoutMs: limits.timeoutMs + killGraceMs,
      memoryAllowanceBytes: limits.memoryMb * mebibyte + this.memorySlackBytes,
      pollIntervalMs: this.memoryPollIntervalMs,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const durationMs = Math.round(performance.now() - startedAt);
    pool.release(worker, end.type === 'outcome' && !end.outcome.recycle);
    return toRunResult(end, limits, durationMs);
  }

  /** Starts the given pools (default both) and resolves when their workers are ready. */
  warmUp(languages: SandboxLanguage[] = ['javascript', 'python']): Promise<void> {
    return Promise.all(languages.map((language) => this.pools[language].warmUp())).then(() => undefined);
  }

  /** Counts and pids of both pools. */
  status(): Record<SandboxLanguage, WorkerPoolStatus> {
    return { javascript: this.pools.javascript.status(), python: this.pools.python.status() };
  }

  /** Kills every worker, those still starting included; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([this.pools.javascript.close(), this.pools.python.close()]);
    // Workers still starting (and a snapshot maker) are not in any pool yet.
    for (const worker of this.processes) worker.terminate('aborted');
    await Promise.all([...this.processes].map((worker) => worker.exited));
  }

  private spawn(): { worker: WorkerProcess; launch: WorkerLaunch } {
    if (this.closing) throw new Error('The sandbox is closed');
    this.launch ??= createWorkerLaunch(this.options.workerEntry);
    const worker = WorkerProcess.spawn(this.launch);
    this.processes.add(worker);
    void worker.exited.then(() => this.processes.delete(worker));
    return { worker, launch: this.launch };
  }

  private async startWorker(language: SandboxLanguage): Promise<WorkerProcess> {
    const snapshot = language === 'python' ? await this.pythonSnapshot() : undefined;
    const { worker, launch } = this.spawn();
    const moduleUrl = launch.moduleUrls[language];
    try {
      await worker.start({ type: 'start', language, mode: 'serve', moduleUrl, ...(snapshot ? { snapshot } : {}) }, startTimeoutMs[language]);
      return worker;
    } catch (error) {
      if (!snapshot || this.closing) throw error;
      // A snapshot that does not load (a Pyodide upgrade changed the format) is dropped for good.
      this.logger.warn({ error }, 'Python sandbox worker failed to start from its snapshot; booting without one');
      this.snapshot = Promise.resolve(undefined);
      return this.startWorker(language);
    }
  }

  private pythonSnapshot(): Promise<Uint8Array | undefined> {
    if (this.options.pythonSnapshot === false) return Promise.resolve(undefined);
    this.snapshot ??= this.makeSnapshot().catch((error: unknown) => {
      if (!this.closing) this.logger.warn({ error }, 'Could not make a Python sandbox snapshot; workers boot without one');
      return undefined;
    });
    return this.snapshot;
  }

  private async makeSnapshot(): Promise<Uint8Array> {
    const { worker, launch } = this.spawn();
    try {
      const reply = await worker.start({ type: 'start', language: 'python', mode: 'snapshot', moduleUrl: launch.moduleUrls.python }, snapshotTimeoutMs);
      if (reply.type !== 'snapshot') throw new Error(`The snapshot worker replied ${reply.type}`);
      return reply.snapshot;
    } finally {
      worker.terminate();
    }
  }
}

/** Creates a sandbox whose workers start lazily, on the first run of a language or on {@link ProcessSandbox.warmUp}. */
export function createProcessSandbox(options: ProcessSandboxOptions = {}): ProcessSandbox {
  return new WorkerProcessSandbox(options);
}

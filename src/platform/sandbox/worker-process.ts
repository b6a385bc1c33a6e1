import { type ChildProcess, spawn } from 'node:child_process';
import type { ParentMessage, StartMessage, WorkerJob, WorkerMessage, WorkerOutcome } from './protocol.js';
import { readResidentBytes } from './resident-memory.js';
import type { WorkerLaunch } from './worker-launch.js';
import { workerMessageSchema } from './worker-messages.js';

/** Why the parent killed a worker in the middle of a job. */
export type KillReason = 'timeout' | 'memory' | 'aborted';

/** How a job ended from the parent's point of view. */
export type ExecutionEnd =
  | { type: 'outcome'; outcome: WorkerOutcome }
  | { type: 'killed'; reason: KillReason }
  | { type: 'crashed'; message: string };

/** Limits the parent enforces on one job, whatever the worker does. */
export interface ExecutionWatch {
  /** Hard wall-time limit: the worker is sent SIGKILL when it passes. */
  hardTimeoutMs: number;
  /** Resident memory the worker may add during the job before it is killed. */
  memoryAllowanceBytes: number;
  /** How often /proc is read. */
  pollIntervalMs: number;
  signal?: AbortSignal;
}

type Listener = { message: (message: WorkerMessage) => void; exit: () => void };

/** Bytes of a worker's stderr kept to explain a crash. */
const stderrTailBytes = 4096;

/** One worker child process: started with an empty environment, spoken to over IPC, killed with SIGKILL. */
export class WorkerProcess {
  private listener: Listener | undefined;
  private stderrTail = '';
  private killReason: KillReason | undefined;
  private killed = false;
  private exitedFlag = false;
  /** Set when the worker broke the IPC protocol; it explains the crash. */
  private violation: string | undefined;
  /** Jobs this worker finished. */
  jobsRun = 0;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      const markExited = (): void => {
        if (this.exitedFlag) return;
        this.exitedFlag = true;
        this.listener?.exit();
        resolve();
      };
      child.once('exit', markExited);
      // A process that could not be spawned emits 'error' and never 'exit'.
      child.on('error', () => (child.pid === undefined ? markExited() : this.terminate()));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-stderrTailBytes);
    });
    child.on('message', (raw: unknown) => this.receive(raw));
  }

  /** Spawns a worker process; it waits for its start message. */
  static spawn(launch: WorkerLaunch): WorkerProcess {
    const child = spawn(launch.execPath, launch.args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: {},
      cwd: '/',
    });
    return new WorkerProcess(child);
  }

  /** The operating-system process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** False once the process exited or was killed. */
  get alive(): boolean {
    return !this.exitedFlag && !this.killed && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the start message and resolves with the worker's `ready` (or `snapshot`) reply. */
  start(message: StartMessage, timeoutMs: number): Promise<WorkerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
      const fail = (reason: string): void => {
        clearTimeout(timer);
        this.listener = undefined;
        this.terminate();
        reject(new Error(`The ${message.language} sandbox worker ${reason}${this.describeStderr()}`));
      };
      this.listener = {
        message: (reply) => {
          if (reply.type === 'start-failed') return fail(`failed to start: ${reply.message}`);
          if (reply.type !== 'ready' && reply.type !== 'snapshot') return fail(`sent ${reply.type} while starting`);
          clearTimeout(timer);
          this.listener = undefined;
          resolve(reply);
        },
        exit: () => fail('exited while starting'),
      };
      this.post(message, (error) => fail(`could not be reached: ${error.message}`));
    });
  }

  /** Runs one job under the parent's hard limits: wall time, resident memory and the abort signal. */
  execute(job: WorkerJob, watch: ExecutionWatch): Promise<ExecutionEnd> {
    if (!this.alive) {
      // Killed (say by close()) between being handed out and now: no exit event will come.
      const end: ExecutionEnd = this.killReason ? { type: 'killed', reason: this.killReason } : { type: 'crashed', message: 'The sandbox worker was gone before the job started' };
      return Promise.resolve(end);
    }
    return new Promise((resolve) => {
      let settled = false;
      let stopWatching = (): void => undefined;
      const finish = (end: ExecutionEnd): void => {
        if (settled) return;
        settled = true;
        stopWatching();
        this.listener = undefined;
        if (end.type === 'outcome') this.jobsRun++;
        resolve(end);
      };
      this.listener = {
        message: (reply) => {
          if (reply.type === 'done' && reply.jobId === job.id) finish({ type: 'outcome', outcome: reply.outcome });
          else this.crash(finish, `sent an unexpected ${reply.type} message`);
        },
        exit: () => (this.killReason ? finish({ type: 'killed', reason: this.killReason }) : this.crash(finish, 'exited during the job')),
      };
      stopWatching = this.watchLimits(watch, (reason) => {
        this.terminate(reason);
        finish({ type: 'killed', reason });
      });
      if (!settled) this.post({ type: 'job', job }, (error) => this.crash(finish, `could not be sent the job: ${error.message}`));
    });
  }

  /** Starts the wall-time timer, the RSS poll and the abort listener; returns what stops them. */
  private watchLimits(watch: ExecutionWatch, kill: (reason: KillReason) => void): () => void {
    const pid = this.pid;
    const baseline = pid === undefined ? null : readResidentBytes(pid);
    const timer = setTimeout(() => kill('timeout'), watch.hardTimeoutMs);
    // Without /proc (not Linux) there is no RSS watch; the WASM growth cap in the worker still applies.
    const poll =
      pid !== undefined && baseline !== null
        ? setInterval(() => {
            const resident = readResidentBytes(pid);
            if (resident !== null && resident - baseline > watch.memoryAllowanceBytes) kill('memory');
          }, watch.pollIntervalMs)
        : undefined;
    const onAbort = (): void => kill('aborted');
    watch.signal?.addEventListener('abort', onAbort, { once: true });
    const stop = (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      watch.signal?.removeEventListener('abort', onAbort);
    };
    if (watch.signal?.aborted) {
      stop();
      kill('aborted');
    }
    return stop;
  }

  /** Kills the process with SIGKILL; a job in flight ends as `killed` when a reason is given, else as `crashed`. */
  terminate(reason?: KillReason): void {
    if (reason) this.killReason ??= reason;
    this.killed = true;
    if (this.exitedFlag) return;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // Already gone: the exit event follows.
    }
  }

  /** Sends a message; a closed channel is reported through `onError`, never thrown. */
  private post(message: ParentMessage, onError: (error: Error) => void): void {
    try {
      this.child.send(message, (error) => {
        if (error) onError(error);
      });
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private crash(finish: (end: ExecutionEnd) => void, reason: string): void {
    const code = this.child.exitCode ?? this.child.signalCode;
    this.terminate();
    const why = this.violation ?? reason;
    finish({ type: 'crashed', message: `The sandbox worker ${why}${code === null ? '' : ` (${code})`}${this.describeStderr()}` });
  }

  private receive(raw: unknown): void {
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      // A worker that breaks the protocol cannot be trusted with another job.
      this.violation = 'sent a message that breaks the protocol';
      this.terminate();
      return;
    }
    this.listener?.message(parsed.data);
  }

  private describeStderr(): string {
    const tail = this.stderrTail.trim();
    return tail ? `: ${tail.slice(-1000)}` : '';
  }
}

/** What a job handler receives. */
export interface JobContext<Payload> {
  id: string;
  name: string;
  payload: Payload;
  /** 1 on the first try, then 2, 3 ... */
  attempt: number;
  /** Aborted when the queue closes; long handlers should pass it on. */
  signal: AbortSignal;
}

/** Runs one job; a rejection counts as a failed attempt. */
export type JobHandler<Payload = unknown> = (job: JobContext<Payload>) => Promise<void>;

/** How the handler of one job name runs. */
export interface JobHandlerOptions {
  /** How many jobs of this name may run at once (default 1). */
  concurrency?: number;
}

/** When and how often a job is tried. */
export interface EnqueueOptions {
  /** Wait this long before the first try (default 0). */
  delayMs?: number;
  /** Total tries before the job is given up (default 3). */
  attempts?: number;
  /** First retry delay; doubled on every further retry (default 1000). */
  backoffMs?: number;
}

/** A named-job queue: handlers are registered per name, jobs carry a JSON payload. */
export interface JobQueue {
  /** Registers the handler for jobs called `name`; one handler per name. */
  register<Payload>(name: string, handler: JobHandler<Payload>, options?: JobHandlerOptions): void;
  /** Adds a job and returns its id. */
  enqueue<Payload>(name: string, payload: Payload, options?: EnqueueOptions): Promise<string>;
  /** Stops taking jobs, aborts running handlers' signals and waits for them to settle. */
  close(): Promise<void>;
}

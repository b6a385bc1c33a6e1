/** The languages user code may be written in. */
export type SandboxLanguage = 'javascript' | 'python';

/**
 * Why a run failed:
 * - `timeout`: the wall-time limit passed (the worker was interrupted or killed);
 * - `memory`: the memory limit was reached;
 * - `output_limit`: logs plus result passed the output cap;
 * - `runtime_error`: the code threw, or its result is not JSON-serialisable;
 * - `syntax_error`: the code does not parse;
 * - `crashed`: the worker process died or failed to start;
 * - `aborted`: the caller's signal aborted the run, or the sandbox was closed under it.
 */
export type SandboxFailureKind =
  | 'timeout'
  | 'memory'
  | 'output_limit'
  | 'runtime_error'
  | 'syntax_error'
  | 'crashed'
  | 'aborted';

/** One piece of user code to run, with optional per-run limits. */
export interface SandboxRunRequest {
  language: SandboxLanguage;
  code: string;
  /** A JSON value handed to the code as `input` (and to `main(input)`); defaults to null. */
  input?: unknown;
  /** Wall-time limit in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Memory the code may use on top of the loaded interpreter, in MiB (default 128). */
  memoryMb?: number;
  /** Aborting it kills the run. */
  signal?: AbortSignal;
}

/** How a run ended: a JSON result, or a typed failure; both carry the captured logs. */
export type SandboxRunResult =
  | { ok: true; result: unknown; logs: string; durationMs: number }
  | { ok: false; error: SandboxFailure; logs: string; durationMs: number };

/** What went wrong in a failed run. */
export interface SandboxFailure {
  kind: SandboxFailureKind;
  message: string;
}

/** Limits applied to every run unless the request overrides them. */
export interface SandboxLimits {
  /** Wall time per run in milliseconds. */
  timeoutMs: number;
  /** Memory per run in MiB, on top of the loaded interpreter. */
  memoryMb: number;
  /** Cap on logs plus the serialised result, in bytes. */
  outputBytes: number;
  /** QuickJS stack size in bytes. */
  stackBytes: number;
}

/** The defaults: 10 s, 128 MiB, 1 MiB of output, 128 KiB of QuickJS stack. */
export const defaultSandboxLimits: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 10_000,
  memoryMb: 128,
  outputBytes: 1024 * 1024,
  stackBytes: 128 * 1024,
});

/** Runs untrusted code with no access to the host; the port the engine depends on. */
export interface Sandbox {
  /** Runs the code; resolves with a typed failure rather than rejecting when the code misbehaves. */
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
  /** Kills every worker and fails runs still in flight with `aborted`. */
  close(): Promise<void>;
}

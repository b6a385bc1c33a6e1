import type { SandboxFailureKind, SandboxLanguage } from './sandbox.js';

/**
 * The IPC protocol between the sandbox and its worker processes. Types only: the worker bundle
 * must stay small and free of dependencies, so the parent validates what comes back with the zod
 * schemas in worker-messages.ts.
 */

/** One run as the worker receives it; the input is already JSON text. */
export interface WorkerJob {
  id: string;
  code: string;
  inputJson: string;
  timeoutMs: number;
  memoryMb: number;
  outputBytes: number;
  stackBytes: number;
}

/** What a worker should become: a job runner, or (Python) a one-off maker of a memory snapshot. */
export type WorkerMode = 'serve' | 'snapshot';

/** The first message a worker receives. */
export interface StartMessage {
  type: 'start';
  language: SandboxLanguage;
  mode: WorkerMode;
  /** file: URL of the runtime package entry (pyodide.mjs or quickjs-emscripten). */
  moduleUrl: string;
  /** A Pyodide memory snapshot to start from instead of booting the interpreter. */
  snapshot?: Uint8Array;
}

/** Messages from the parent to a worker. */
export type ParentMessage = StartMessage | { type: 'job'; job: WorkerJob };

/** How one job ended, as reported by the worker (the result is still JSON text). */
export type WorkerOutcome =
  | { ok: true; resultJson: string; logs: string; recycle: boolean }
  | { ok: false; kind: SandboxFailureKind; message: string; logs: string; recycle: boolean };

/** Messages from a worker to the parent. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'snapshot'; snapshot: Uint8Array }
  | { type: 'start-failed'; message: string }
  | { type: 'done'; jobId: string; outcome: WorkerOutcome };

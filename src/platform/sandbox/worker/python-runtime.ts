import { Buffer } from 'node:buffer';
import type { PyodideAPI, PyodideConfig } from 'pyodide';
import type { WorkerJob, WorkerOutcome } from '../protocol.js';
import type { SandboxFailureKind } from '../sandbox.js';
import { InterruptSignal } from './interrupt-signal.js';
import type { LanguageRuntime, WorkerContext } from './language-runtime.js';
import { OutputBuffer } from './output-buffer.js';
import { pythonDriverSource } from './python-driver.js';
import { FileQuota } from './file-quota.js';
import type { WasmGrowthGuard } from './wasm-growth-guard.js';

/** Bytes a job may keep in Pyodide's in-memory file system (/tmp and friends). */
const fileQuotaBytes = 16 * 1024 * 1024;

type LoadPyodide = (options?: PyodideConfig & { _makeSnapshot?: boolean; _loadSnapshot?: Uint8Array }) => Promise<PyodideAPI>;
type DriverRun = (code: string, inputJson: string, outputLimit: number) => unknown;

async function importLoadPyodide(moduleUrl: string): Promise<LoadPyodide> {
  const namespace = (await import(moduleUrl)) as { loadPyodide?: LoadPyodide };
  if (!namespace.loadPyodide) throw new Error(`${moduleUrl} does not export loadPyodide`);
  return namespace.loadPyodide;
}

/** Boots a pristine interpreter and returns a memory snapshot that later workers start from in a fraction of the time. */
export async function makePythonSnapshot(moduleUrl: string): Promise<Uint8Array> {
  const loadPyodide = await importLoadPyodide(moduleUrl);
  const pyodide = await loadPyodide({ env: { HOME: '/home/pyodide' }, _makeSnapshot: true });
  return (pyodide as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
}

/** Loads Pyodide (from a snapshot when given), installs the file, output and time guards and seals the interpreter. */
export async function loadPythonRuntime(moduleUrl: string, context: WorkerContext, snapshot?: Uint8Array): Promise<LanguageRuntime> {
  const loadPyodide = await importLoadPyodide(moduleUrl);
  // The IPC copy may sit at an unaligned offset of a larger buffer; Pyodide reads it through a Uint32Array.
  const aligned = snapshot ? new Uint8Array(snapshot) : undefined;
  const pyodide = await loadPyodide({ env: { HOME: '/home/pyodide' }, ...(aligned ? { _loadSnapshot: aligned } : {}) });
  const quota = new FileQuota(fileQuotaBytes);
  quota.install(pyodide.FS);
  const interrupt = new InterruptSignal(context);
  pyodide.setInterruptBuffer(interrupt as unknown as Int32Array);
  let logs = new OutputBuffer(0);
  const write = (buffer: Uint8Array): number => {
    logs.appendBytes(buffer);
    // Stop the code soon after the cap instead of letting it print until the deadline.
    if (logs.exceeded) interrupt.requestStop();
    return buffer.length;
  };
  pyodide.setStdout({ write });
  pyodide.setStderr({ write });
  const driver = pyodide.runPython(pythonDriverSource, { globals: pyodide.toPy({}) }) as DriverRun;
  const run = (job: WorkerJob): WorkerOutcome => {
    logs = new OutputBuffer(job.outputBytes);
    context.growth.startJob(job.memoryMb);
    quota.reset();
    interrupt.startJob(job.timeoutMs);
    return runPythonJob({ driver, job, logs, growth: context.growth, interrupt });
  };
  return { run: (job) => Promise.resolve(run(job)) };
}

interface PythonJob {
  driver: DriverRun;
  job: WorkerJob;
  logs: OutputBuffer;
  growth: WasmGrowthGuard;
  interrupt: InterruptSignal;
}

/** Calls the driver and turns its `(status, kind, payload)` reply into an outcome; Python workers are never reused. */
function runPythonJob({ driver, job, logs, growth, interrupt }: PythonJob): WorkerOutcome {
  let reply: unknown;
  try {
    const proxy = driver(job.code, job.inputJson, job.outputBytes) as { toJs?: () => unknown; destroy?: () => void };
    reply = typeof proxy?.toJs === 'function' ? proxy.toJs() : proxy;
    proxy?.destroy?.();
  } catch (error) {
    return fatalOutcome(error, { job, logs, growth, interrupt });
  }
  const failure = (kind: SandboxFailureKind, message: string): WorkerOutcome => ({ ok: false, kind, message, logs: logs.text(), recycle: true });
  if (logs.exceeded) return failure('output_limit', `The logs passed the output cap of ${job.outputBytes} bytes`);
  if (interrupt.timedOut) return failure('timeout', `The code ran longer than ${job.timeoutMs} ms and was stopped`);
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((part) => typeof part === 'string')) {
    return failure('crashed', 'The Python driver returned an unexpected reply');
  }
  const [status, kind, payload] = reply as [string, string, string];
  if (status === 'ok') {
    if (Buffer.byteLength(payload) + logs.bytes > job.outputBytes) {
      return failure('output_limit', `Logs and result together pass the output cap of ${job.outputBytes} bytes`);
    }
    return { ok: true, resultJson: payload, logs: logs.text(), recycle: true };
  }
  if (growth.limitReached && /MemoryError/.test(payload)) return failure('memory', `The code ran out of memory\n${payload}`);
  return failure(isDriverKind(kind) ? kind : 'runtime_error', payload);
}

function isDriverKind(kind: string): kind is SandboxFailureKind {
  return kind === 'syntax_error' || kind === 'runtime_error' || kind === 'memory' || kind === 'output_limit';
}

/** A JavaScript exception out of Pyodide means the interpreter is dead (a "fatal error"); say why if a limit explains it. */
function fatalOutcome(error: unknown, { job, logs, growth, interrupt }: Omit<PythonJob, 'driver'>): WorkerOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const failure = (kind: SandboxFailureKind, text: string): WorkerOutcome => ({ ok: false, kind, message: text, logs: logs.text(), recycle: true });
  if (interrupt.timedOut) return failure('timeout', `The code ran longer than ${job.timeoutMs} ms and was stopped`);
  if (logs.exceeded) return failure('output_limit', `The logs passed the output cap of ${job.outputBytes} bytes`);
  if (/Maximum call stack size exceeded/.test(message)) {
    return failure('runtime_error', 'RecursionError: the recursion went deeper than the interpreter stack allows');
  }
  if (growth.limitReached) return failure('memory', 'The code ran out of memory');
  return failure('crashed', `The Python interpreter failed: ${message}`);
}

import { Buffer } from 'node:buffer';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import type { WorkerJob, WorkerOutcome } from '../protocol.js';
import type { SandboxFailureKind } from '../sandbox.js';
import { findMainSource, javascriptPrelude } from './javascript-prelude.js';
import { OutputBuffer } from './output-buffer.js';
import type { LanguageRuntime, WorkerContext } from './language-runtime.js';
import type { WasmGrowthGuard } from './wasm-growth-guard.js';

const mebibyte = 1024 * 1024;
/** A worker whose heap grew more than this in one job is replaced, so its footprint returns to the baseline. */
const recycleAfterGrowthBytes = 64 * mebibyte;
/** Stack frames kept in an error message. */
const maxStackFrames = 20;
/** Pending promise jobs run per batch before the deadline is checked again. */
const jobsPerBatch = 1000;

/** The state of one QuickJS job: its handles (disposed at the end), logs and why it stopped. */
interface JobState {
  context: QuickJSContext;
  runtime: QuickJSRuntime;
  logs: OutputBuffer;
  growth: WasmGrowthGuard;
  deadline: number;
  timedOut: boolean;
  handles: QuickJSHandle[];
}

type Step = { value: QuickJSHandle } | { error: QuickJSHandle; stage: 'compile' | 'run' };

class JobFailure extends Error {
  constructor(
    readonly kind: SandboxFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** Loads QuickJS from its package URL; every job then gets a fresh runtime and context. */
export async function loadJavascriptRuntime(moduleUrl: string, context: WorkerContext): Promise<LanguageRuntime> {
  const namespace = (await import(moduleUrl)) as { getQuickJS?: () => Promise<QuickJSWASMModule>; default?: { getQuickJS: () => Promise<QuickJSWASMModule> } };
  const getQuickJS = namespace.getQuickJS ?? namespace.default?.getQuickJS;
  if (!getQuickJS) throw new Error(`${moduleUrl} does not export getQuickJS`);
  const quickjs = await getQuickJS();
  const { growth } = context;
  const run = (job: WorkerJob): WorkerOutcome => {
    growth.startJob(job.memoryMb);
    const outcome = runJavascriptJob(quickjs, job, context);
    const grewTooMuch = growth.limitReached || growth.grownDuringJob > recycleAfterGrowthBytes;
    return grewTooMuch ? { ...outcome, recycle: true } : outcome;
  };
  return { run: (job) => Promise.resolve(run(job)) };
}

/** Runs one job in a new QuickJS runtime with the job's memory, stack and time limits. */
export function runJavascriptJob(quickjs: QuickJSWASMModule, job: WorkerJob, context: WorkerContext): WorkerOutcome {
  const { growth } = context;
  const logs = new OutputBuffer(job.outputBytes);
  let runtime: QuickJSRuntime | undefined;
  let state: JobState | undefined;
  let outcome: WorkerOutcome;
  try {
    runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(job.memoryMb * mebibyte);
    runtime.setMaxStackSize(job.stackBytes);
    const current: JobState = { runtime, context: runtime.newContext(), logs, growth, deadline: Date.now() + job.timeoutMs, timedOut: false, handles: [] };
    state = current;
    runtime.setInterruptHandler(() => {
      context.exitIfOrphaned();
      if (Date.now() > current.deadline) current.timedOut = true;
      return current.timedOut || logs.exceeded;
    });
    const resultJson = execute(current, job);
    outcome = { ok: true, resultJson, logs: logs.text(), recycle: false };
  } catch (error) {
    outcome = failureOutcome(error, logs, growth);
  }
  // A runtime that cannot be freed cleanly leaves the module in an unknown state: replace the worker.
  return dispose(state, runtime) ? outcome : { ...outcome, recycle: true };
}

function execute(state: JobState, job: WorkerJob): string {
  const [input, serialise] = runPrelude(state, job);
  const compiled = keep(state, state.context.evalCode(job.code, 'code.js', { type: 'global', compileOnly: true }), 'compile');
  if ('error' in compiled) throw vmFailure(state, compiled);
  const completion = keep(state, state.context.evalCode(job.code, 'code.js', { type: 'global' }), 'run');
  if ('error' in completion) throw vmFailure(state, completion);
  const main = unwrap(state, keep(state, state.context.evalCode(findMainSource), 'run'));
  const value = state.context.typeof(main) === 'function' ? unwrap(state, keep(state, state.context.callFunction(main, state.context.undefined, input), 'run')) : completion.value;
  const settled = unwrap(state, settle(state, value));
  const text = unwrap(state, keep(state, state.context.callFunction(serialise, state.context.undefined, settled), 'run'));
  if (state.context.typeof(text) !== 'string') throw new JobFailure('output_limit', `The result is larger than the output cap of ${job.outputBytes} bytes`);
  const resultJson = state.context.getString(text);
  if (Buffer.byteLength(resultJson) + state.logs.bytes > job.outputBytes) {
    throw new JobFailure('output_limit', `Logs and result together pass the output cap of ${job.outputBytes} bytes`);
  }
  return resultJson;
}

/** Evaluates the prelude and returns the parsed input and the in-VM serialiser. */
function runPrelude(state: JobState, job: WorkerJob): [QuickJSHandle, QuickJSHandle] {
  const { context } = state;
  const factory = unwrap(state, keep(state, context.evalCode(javascriptPrelude, 'prelude.js'), 'run'));
  const write = track(state, context.newFunction('write', (textHandle) => {
    state.logs.appendText(`${context.getString(textHandle)}\n`);
  }));
  const inputText = track(state, context.newString(job.inputJson));
  const limit = track(state, context.newNumber(job.outputBytes));
  const pair = unwrap(state, keep(state, context.callFunction(factory, context.undefined, write, inputText, limit), 'run'));
  return [track(state, context.getProp(pair, 0)), track(state, context.getProp(pair, 1))];
}

/** Waits for a promise by running QuickJS's job queue; there are no timers, so an empty queue means it never settles. */
function settle(state: JobState, value: QuickJSHandle): Step {
  for (;;) {
    const promise = state.context.getPromiseState(value);
    if (promise.type === 'fulfilled') return { value: promise.notAPromise ? value : track(state, promise.value) };
    if (promise.type === 'rejected') return { error: track(state, promise.error), stage: 'run' };
    if (Date.now() > state.deadline) state.timedOut = true;
    if (state.timedOut) throw new JobFailure('timeout', 'The code ran past its time limit');
    const executed = state.runtime.executePendingJobs(jobsPerBatch);
    if (executed.error) return { error: track(state, executed.error), stage: 'run' };
    if (executed.value === 0) {
      throw new JobFailure('runtime_error', 'The promise never settled (the sandbox has no timers or I/O to wait for)');
    }
  }
}

function keep(state: JobState, result: { value: QuickJSHandle } | { error: QuickJSHandle }, stage: 'compile' | 'run'): Step {
  if ('error' in result && result.error) return { error: track(state, result.error), stage };
  return { value: track(state, (result as { value: QuickJSHandle }).value) };
}

function unwrap(state: JobState, step: Step): QuickJSHandle {
  if ('error' in step) throw vmFailure(state, step);
  return step.value;
}

function track<T extends QuickJSHandle>(state: JobState, handle: T): T {
  state.handles.push(handle);
  return handle;
}

/** Turns an error thrown inside QuickJS into a typed failure. */
function vmFailure(state: JobState, step: { error: QuickJSHandle; stage: 'compile' | 'run' }): JobFailure {
  const described = describeVmError(state.context, step.error);
  if (state.logs.exceeded) return new JobFailure('output_limit', `The logs passed the output cap`);
  if (state.timedOut) return new JobFailure('timeout', 'The code ran past its time limit');
  if (state.growth.limitReached || /out of memory/i.test(described)) return new JobFailure('memory', 'The code ran out of memory');
  return new JobFailure(step.stage === 'compile' ? 'syntax_error' : 'runtime_error', described);
}

function describeVmError(context: QuickJSContext, error: QuickJSHandle): string {
  try {
    const dumped: unknown = context.dump(error);
    if (dumped && typeof dumped === 'object' && 'message' in dumped) {
      const { name, message, stack } = dumped as { name?: unknown; message?: unknown; stack?: unknown };
      const head = `${typeof name === 'string' ? name : 'Error'}: ${String(message)}`;
      return typeof stack === 'string' && stack.trim() ? `${head}\n${shortenStack(stack)}` : head;
    }
    return `Uncaught ${typeof dumped === 'string' ? dumped : JSON.stringify(dumped)}`;
  } catch {
    // Reading the error runs its getters and toJSON inside the VM, which may fail in turn.
    return 'Uncaught error that could not be read';
  }
}

/** Keeps the innermost frames of a stack; a runaway recursion would otherwise fill the message. */
function shortenStack(stack: string): string {
  const frames = stack.trimEnd().split('\n');
  if (frames.length <= maxStackFrames) return frames.join('\n');
  return [...frames.slice(0, maxStackFrames), `    ... ${frames.length - maxStackFrames} more frames`].join('\n');
}

function failureOutcome(error: unknown, logs: OutputBuffer, growth: WasmGrowthGuard): WorkerOutcome {
  if (error instanceof JobFailure) return { ok: false, kind: error.kind, message: error.message, logs: logs.text(), recycle: false };
  const message = error instanceof Error ? error.message : String(error);
  // A host-side failure leaves the QuickJS module in an unknown state: have the worker replaced.
  const kind: SandboxFailureKind = growth.limitReached || /out of memory/i.test(message) ? 'memory' : 'crashed';
  return { ok: false, kind, message: `The JavaScript runtime failed: ${message}`, logs: logs.text(), recycle: true };
}

function dispose(state: JobState | undefined, runtime: QuickJSRuntime | undefined): boolean {
  try {
    for (const handle of (state?.handles ?? []).reverse()) {
      if (handle.alive) handle.dispose();
    }
    state?.context.dispose();
    runtime?.dispose();
    return true;
  } catch {
    return false;
  }
}

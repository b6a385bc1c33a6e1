import type { ParentMessage, StartMessage, WorkerMessage } from '../protocol.js';
import { loadJavascriptRuntime } from './javascript-runtime.js';
import type { LanguageRuntime, WorkerContext } from './language-runtime.js';
import { hardenNodeBuiltins, stripHostGlobals } from './node-hardening.js';
import { loadPythonRuntime, makePythonSnapshot } from './python-runtime.js';
import { WasmGrowthGuard } from './wasm-growth-guard.js';

/**
 * The entry point of a sandbox worker process. It is started by worker-process.ts under Node's
 * permission model with an empty environment, hardens Node before loading anything, loads one
 * interpreter, removes the host globals and then runs the jobs it is sent, one at a time.
 */

// Private references, taken before the globals they come from are deleted.
const channel = process;
const send = (message: WorkerMessage): void => {
  channel.send?.(message);
};
const exit = (code: number): never => channel.exit(code);
const parentPid = channel.ppid;

hardenNodeBuiltins();
const context: WorkerContext = {
  growth: new WasmGrowthGuard(),
  // A dead parent is noticed through the re-parenting (ppid changes), which needs no event loop:
  // the checks run inside jobs that block it.
  exitIfOrphaned: () => {
    if (channel.ppid !== parentPid || !channel.connected) exit(0);
  },
};
context.growth.install();

let runtime: LanguageRuntime | undefined;
let queue: Promise<void> = Promise.resolve();

async function start(message: StartMessage): Promise<void> {
  try {
    if (message.mode === 'snapshot') {
      const snapshot = await makePythonSnapshot(message.moduleUrl);
      send({ type: 'snapshot', snapshot });
      return;
    }
    runtime =
      message.language === 'python'
        ? await loadPythonRuntime(message.moduleUrl, context, message.snapshot)
        : await loadJavascriptRuntime(message.moduleUrl, context);
    stripHostGlobals();
    send({ type: 'ready' });
  } catch (error) {
    send({ type: 'start-failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    setImmediate(() => exit(1));
  }
}

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === 'start') return start(message);
  if (!runtime) throw new Error('A job arrived before the worker was started');
  const outcome = await runtime.run(message.job);
  send({ type: 'done', jobId: message.job.id, outcome });
}

channel.on('message', (message: ParentMessage) => {
  queue = queue.then(() => handle(message));
});
// The parent went away: nothing is left to serve.
channel.on('disconnect', () => exit(0));

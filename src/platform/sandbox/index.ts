/** The code sandbox: user JavaScript in QuickJS and Python in Pyodide, in locked-down worker processes. */
export {
  createProcessSandbox,
  type ProcessSandbox,
  type ProcessSandboxOptions,
  type SandboxLogger,
} from './process-sandbox.js';
export {
  defaultSandboxLimits,
  type Sandbox,
  type SandboxFailure,
  type SandboxFailureKind,
  type SandboxLanguage,
  type SandboxLimits,
  type SandboxRunRequest,
  type SandboxRunResult,
} from './sandbox.js';
export type { WorkerPoolStatus } from './worker-pool.js';
export type { WorkerEntry } from './worker-launch.js';

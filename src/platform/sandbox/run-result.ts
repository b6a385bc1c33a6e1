import type { ExecutionEnd } from './worker-process.js';
import type { SandboxFailureKind, SandboxLimits, SandboxRunResult } from './sandbox.js';

/** Longest failure message passed on; tracebacks beyond it are cut from the front. */
const maximumMessageLength = 8000;

/** Builds a failed result. */
export function failedRun(kind: SandboxFailureKind, message: string, durationMs: number, logs = ''): SandboxRunResult {
  const trimmed = message.length > maximumMessageLength ? `…${message.slice(-maximumMessageLength)}` : message;
  return { ok: false, error: { kind, message: trimmed }, logs, durationMs };
}

/** Cuts text to at most `limitBytes` of UTF-8 without splitting a character. */
function capBytes(text: string, limitBytes: number): string {
  if (Buffer.byteLength(text) <= limitBytes) return text;
  return Buffer.from(text).subarray(0, limitBytes).toString('utf8').replace(/\uFFFD$/, '');
}

function killedMessage(reason: 'timeout' | 'memory' | 'aborted', limits: SandboxLimits): string {
  if (reason === 'timeout') return `The code ran longer than ${limits.timeoutMs} ms and was stopped`;
  if (reason === 'memory') return `The code used more than ${limits.memoryMb} MiB of memory and was stopped`;
  return 'The run was aborted';
}

/**
 * Turns what the worker reported (or why the parent stopped it) into the caller's result. The
 * worker is not trusted: the output cap is checked again and the result JSON parsed with a guard.
 */
export function toRunResult(end: ExecutionEnd, limits: SandboxLimits, durationMs: number): SandboxRunResult {
  if (end.type === 'killed') return failedRun(end.reason, killedMessage(end.reason, limits), durationMs);
  if (end.type === 'crashed') return failedRun('crashed', end.message, durationMs);
  const { outcome } = end;
  const logs = capBytes(outcome.logs, limits.outputBytes);
  if (!outcome.ok) return failedRun(outcome.kind, outcome.message, durationMs, logs);
  if (Buffer.byteLength(outcome.resultJson) + Buffer.byteLength(logs) > limits.outputBytes) {
    return failedRun('output_limit', `Logs and result together pass the output cap of ${limits.outputBytes} bytes`, durationMs, logs);
  }
  let result: unknown;
  try {
    result = JSON.parse(outcome.resultJson);
  } catch {
    return failedRun('crashed', 'The sandbox worker returned a result that is not valid JSON', durationMs, logs);
  }
  return { ok: true, result, logs, durationMs };
}

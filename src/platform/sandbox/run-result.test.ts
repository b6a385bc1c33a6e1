import { describe, expect, it } from 'vitest';
import { toRunResult } from './run-result.js';
import { defaultSandboxLimits } from './sandbox.js';

const limits = { ...defaultSandboxLimits, outputBytes: 64 };

describe('toRunResult', () => {
  it('parses the result JSON of a successful outcome', () => {
    const result = toRunResult({ type: 'outcome', outcome: { ok: true, resultJson: '{"a":[1,2]}', logs: 'hi\n', recycle: false } }, limits, 12);
    expect(result).toEqual({ ok: true, result: { a: [1, 2] }, logs: 'hi\n', durationMs: 12 });
  });

  it('does not let a "__proto__" key in the result reach any prototype', () => {
    const result = toRunResult({ type: 'outcome', outcome: { ok: true, resultJson: '{"__proto__":{"polluted":1}}', logs: '', recycle: false } }, limits, 1);
    expect(result.ok && Object.hasOwn(result.result as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('passes a worker failure through with its kind, message and logs', () => {
    const result = toRunResult({ type: 'outcome', outcome: { ok: false, kind: 'syntax_error', message: 'bad', logs: 'x', recycle: false } }, limits, 3);
    expect(result).toEqual({ ok: false, error: { kind: 'syntax_error', message: 'bad' }, logs: 'x', durationMs: 3 });
  });

  it('names the limit when the parent killed the worker', () => {
    const timeout = toRunResult({ type: 'killed', reason: 'timeout' }, { ...limits, timeoutMs: 300 }, 301);
    const memory = toRunResult({ type: 'killed', reason: 'memory' }, { ...limits, memoryMb: 16 }, 5);
    const aborted = toRunResult({ type: 'killed', reason: 'aborted' }, limits, 5);
    expect(timeout.ok || timeout.error).toEqual({ kind: 'timeout', message: expect.stringContaining('300 ms') });
    expect(memory.ok || memory.error).toEqual({ kind: 'memory', message: expect.stringContaining('16 MiB') });
    expect(aborted.ok || aborted.error.kind).toBe('aborted');
  });

  it('does not trust the worker with the output cap or the JSON', () => {
    const tooBig = toRunResult({ type: 'outcome', outcome: { ok: true, resultJson: JSON.stringify('x'.repeat(100)), logs: '', recycle: false } }, limits, 1);
    expect(tooBig.ok || tooBig.error.kind).toBe('output_limit');
    const broken = toRunResult({ type: 'outcome', outcome: { ok: true, resultJson: '{not json', logs: '', recycle: false } }, limits, 1);
    expect(broken.ok || broken.error.kind).toBe('crashed');
    const longLogs = toRunResult({ type: 'outcome', outcome: { ok: false, kind: 'runtime_error', message: 'm', logs: 'é'.repeat(100), recycle: false } }, limits, 1);
    expect(Buffer.byteLength(longLogs.logs)).toBeLessThanOrEqual(64);
    expect(longLogs.logs).toBe('é'.repeat(32));
  });

  it('reports a crash with the worker message', () => {
    const result = toRunResult({ type: 'crashed', message: 'The sandbox worker exited during the job' }, limits, 9);
    expect(result).toEqual({ ok: false, error: { kind: 'crashed', message: 'The sandbox worker exited during the job' }, logs: '', durationMs: 9 });
  });
});

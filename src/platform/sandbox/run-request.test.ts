import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { prepareRun } from './run-request.js';
import { defaultSandboxLimits, type SandboxRunRequest } from './sandbox.js';

function rejection(request: SandboxRunRequest): AppError {
  try {
    prepareRun(request, defaultSandboxLimits);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('prepareRun accepted an invalid request');
}

describe('prepareRun', () => {
  it('applies the defaults and serialises the input once', () => {
    const { language, job, limits } = prepareRun({ language: 'python', code: 'input', input: { a: [1, 'b'] } }, defaultSandboxLimits);
    expect(language).toBe('python');
    expect(limits).toEqual(defaultSandboxLimits);
    expect(job).toMatchObject({ code: 'input', inputJson: '{"a":[1,"b"]}', timeoutMs: 10_000, memoryMb: 128, outputBytes: 1024 * 1024, stackBytes: 128 * 1024 });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets a request override the time and memory limits', () => {
    const { job, limits } = prepareRun({ language: 'javascript', code: '1', timeoutMs: 300, memoryMb: 16 }, defaultSandboxLimits);
    expect(limits.timeoutMs).toBe(300);
    expect(limits.memoryMb).toBe(16);
    expect(job.inputJson).toBe('null');
  });

  it('gives every job its own id', () => {
    const first = prepareRun({ language: 'javascript', code: '1' }, defaultSandboxLimits);
    const second = prepareRun({ language: 'javascript', code: '1' }, defaultSandboxLimits);
    expect(first.job.id).not.toBe(second.job.id);
  });

  it.each([
    ['an unknown language', { language: 'ruby', code: '1' }],
    ['code that is not a string', { language: 'javascript', code: 42 }],
    ['a negative time limit', { language: 'javascript', code: '1', timeoutMs: -1 }],
    ['a fractional memory limit', { language: 'python', code: '1', memoryMb: 1.5 }],
    ['a memory limit past 4 GiB', { language: 'python', code: '1', memoryMb: 5000 }],
  ])('refuses %s', (_name, request) => {
    const error = rejection(request as unknown as SandboxRunRequest);
    expect(error.code).toBe('SANDBOX_INVALID_REQUEST');
    expect(error.category).toBe('validation');
    expect(error.details?.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]));
  });

  it('refuses input that JSON cannot represent', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(rejection({ language: 'javascript', code: '1', input: circular }).message).toMatch(/not JSON-serialisable/);
    expect(rejection({ language: 'javascript', code: '1', input: 10n }).message).toMatch(/not JSON-serialisable/);
    expect(rejection({ language: 'javascript', code: '1', input: () => 1 }).message).toMatch(/not JSON-serialisable/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessSandbox } from './process-sandbox.js';
import type { SandboxFailureKind, SandboxRunResult } from './sandbox.js';

// One sandbox for the file: Python workers boot from a snapshot made on first use.
const sandbox = createProcessSandbox({ poolSize: { javascript: 1, python: 2 } });
// Booting the pools (and making the Python snapshot) happens here, with room for a slow CI machine.
beforeAll(() => sandbox.warmUp(), 180_000);
afterAll(() => sandbox.close());

function expectResult(result: SandboxRunResult, value: unknown): void {
  expect(result.ok ? result.result : result.error).toEqual(value);
}

function expectFailure(result: SandboxRunResult, kind: SandboxFailureKind, message?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.kind).toBe(kind);
  if (message) expect(result.error.message).toMatch(message);
}

describe('javascript', () => {
  const run = (code: string, input?: unknown) => sandbox.run({ language: 'javascript', code, input });

  it('calls main with the input and returns its value', async () => {
    const result = await run('function main(input) { return { sum: input.numbers.reduce((a, b) => a + b, 0) } }', { numbers: [1, 2, 3] });
    expectResult(result, { sum: 6 });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('returns the last expression when there is no main, with input as a global', async () => {
    expectResult(await run('const doubled = input.map((n) => n * 2);\ndoubled', [1, 2]), [2, 4]);
    expectResult(await run('input'), null);
    expectResult(await run('let unused = 1;'), null);
  });

  it('awaits an async main and a promise as the last expression', async () => {
    expectResult(await run('const main = async (input) => { await null; return input.n * 2 }', { n: 21 }), 42);
    expectResult(await run('Promise.resolve(5).then((n) => n + 1)'), 6);
  });

  it('captures console output as logs', async () => {
    const result = await run('console.log("hello", { a: 1 }, [2]); console.error("oops"); console.info(undefined, 3n); 1');
    expect(result.logs).toBe('hello {"a":1} [2]\noops\nundefined 3\n');
  });

  it('reports a thrown error as a runtime_error and keeps the logs printed before it', async () => {
    const result = await run('console.log("before"); function main() { throw new TypeError("boom") }');
    expectFailure(result, 'runtime_error', /TypeError: boom/);
    expect(result.logs).toBe('before\n');
  });

  it('tells a syntax error from a SyntaxError thrown at run time', async () => {
    expectFailure(await run('function main( {'), 'syntax_error', /SyntaxError/);
    expectFailure(await run('JSON.parse("{")'), 'runtime_error', /SyntaxError/);
  });

  it('refuses a result JSON cannot represent', async () => {
    expectFailure(await run('10n'), 'runtime_error', /BigInt|JSON/);
    expectFailure(await run('const a = {}; a.self = a; a'), 'runtime_error', /circular/i);
    expectFailure(await run('function main() { return () => 1 }'), 'runtime_error', /not JSON-serialisable/);
  });

  it('stops at the time limit and keeps the logs printed until then', async () => {
    const result = await sandbox.run({ language: 'javascript', code: 'console.log("started"); while (true) {}', timeoutMs: 300 });
    expectFailure(result, 'timeout');
    expect(result.logs).toBe('started\n');
  });

  it('gives every job a fresh context in a reused worker', async () => {
    expectResult(await run('globalThis.leftOver = "secret"; Object.prototype.polluted = true; 1'), 1);
    expectResult(await run('[typeof leftOver, ({}).polluted === undefined]'), ['undefined', true]);
  });
});

describe('python', () => {
  const run = (code: string, input?: unknown) => sandbox.run({ language: 'python', code, input });

  it('calls main with the input as a dict', async () => {
    const result = await run('def main(input):\n    return {"keys": sorted(input), "total": sum(input.values())}', { b: 2, a: 1 });
    expectResult(result, { keys: ['a', 'b'], total: 3 });
  });

  it('returns the last expression when there is no main, with input as a global', async () => {
    expectResult(await run('values = [v * 10 for v in input]\nvalues', [1, 2]), [10, 20]);
    expectResult(await run('x = 1'), null);
  });

  it('runs the standard library: json, re, math, datetime, statistics', async () => {
    const code = [
      'import json, re, math, datetime, statistics',
      'def main(input):',
      '    words = re.findall(r"[a-z]+", input["text"])',
      '    day = datetime.date(2024, 2, 28) + datetime.timedelta(days=1)',
      '    return json.loads(json.dumps({"words": words, "root": math.sqrt(16), "day": day.isoformat(),',
      '                                  "median": statistics.median([3, 1, 2]), "stdev": round(statistics.stdev([2, 4, 4, 4, 5, 5, 7, 9]), 3)}))',
    ].join('\n');
    expectResult(await run(code, { text: 'Hello big world' }), { words: ['ello', 'big', 'world'], root: 4, day: '2024-02-29', median: 2, stdev: 2.138 });
  });

  it('captures print output on stdout and stderr as logs', async () => {
    const result = await run('import sys\nprint("hello", 1)\nprint("warn", file=sys.stderr)\nprint("no newline", end="")\n2');
    expectResult(result, 2);
    expect(result.logs).toBe('hello 1\nwarn\nno newline');
  });

  it('awaits an async main', async () => {
    expectResult(await run('import asyncio\nasync def main(input):\n    await asyncio.sleep(0)\n    return input * 2', 21), 42);
  });

  it('reports an exception as a runtime_error with the user-code traceback', async () => {
    const result = await run('print("before")\ndef main(input):\n    return 1 / 0');
    expectFailure(result, 'runtime_error', /line 3, in main[\s\S]*ZeroDivisionError: division by zero/);
    expect(result.logs).toBe('before\n');
    expect(result.ok || result.error.message).not.toMatch(/_execute|<exec>/);
  });

  it('reports a syntax error', async () => {
    expectFailure(await run('def main(:\n    pass'), 'syntax_error', /SyntaxError/);
    expectFailure(await run('return 5'), 'syntax_error', /outside function/);
  });

  it('refuses a result JSON cannot represent', async () => {
    expectFailure(await run('{1, 2}'), 'runtime_error', /not JSON-serialisable.*set/);
    expectFailure(await run('float("nan")'), 'runtime_error', /not JSON-serialisable/);
  });

  it('stops at the time limit and keeps the logs printed until then', async () => {
    // 1 s, not less: on a loaded machine Python may take a few hundred ms to reach the first print.
    const result = await sandbox.run({ language: 'python', code: 'print("started")\nwhile True:\n    pass', timeoutMs: 1_000 });
    expectFailure(result, 'timeout');
    expect(result.logs).toBe('started\n');
  });

  it('never reuses a Python worker: interpreter state does not leak between runs', async () => {
    const first = await run('import builtins, os\nbuiltins.left_over = "secret"\nos.getpid()');
    const second = await run('import builtins\nhasattr(builtins, "left_over")');
    expectResult(second, false);
    expect(first.ok).toBe(true);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createProcessSandbox } from './process-sandbox.js';
import { expectContained, useLoopbackCanary, type EscapeCase } from '../../test-kit/sandbox-escape.js';

/**
 * Escape corpus, JavaScript half: every case tries to reach the host (Node, the network, the
 * file system, other jobs) or to exhaust a limit, and asserts that the run is contained: a
 * failure of the expected kind, or a result that proves there was no access. After an overrun
 * the same pool must still run a simple job.
 */

const sandbox = createProcessSandbox({ poolSize: { javascript: 1, python: 1 } });
const canary = useLoopbackCanary();


afterAll(async () => {
  await sandbox.close();
});


/** QuickJS quotes the name: `'process' is not defined`. */
const notDefined = (name: string): RegExp => new RegExp(`'?${name}'? is not defined`);

const hostGlobals = ['process', 'require', 'module', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'XMLHttpRequest', 'WebSocket', 'Buffer', 'std', 'os', 'Deno', 'Bun', 'global'];

const cases: EscapeCase[] = [
  { name: "require('fs')", code: "require('fs').readFileSync('/etc/passwd', 'utf8')", contained: ['runtime_error'], message: notDefined('require') },
  { name: 'process.env', code: 'JSON.stringify(process.env)', contained: ['runtime_error'], message: notDefined('process') },
  {
    name: 'globalThis.process and friends',
    code: `${JSON.stringify(hostGlobals)}.filter((name) => typeof globalThis[name] !== 'undefined')`,
    contained: (result) => expect(result).toEqual([]),
  },
  {
    name: 'every global name is a language built-in',
    code: 'Object.getOwnPropertyNames(globalThis)',
    contained: (result) => expect((result as string[]).filter((name) => hostGlobals.includes(name))).toEqual([]),
  },
  { name: "constructor chain this.constructor.constructor('return process')()", code: "this.constructor.constructor('return process')()", contained: ['runtime_error'], message: notDefined('process') },
  { name: 'Function through console.log reaches only the VM', code: "console.log.constructor('return [typeof process, typeof require, Object.keys(this).length < 70]')()", contained: (result) => expect(result).toEqual(['undefined', 'undefined', true]) },
  { name: "dynamic import('fs')", code: "async function main() { return Object.keys(await import('fs')) }", contained: ['runtime_error'], message: /could not load module/ },
  { name: 'static import', code: "import fs from 'fs'; fs", contained: ['syntax_error'] },
  { name: 'fetch to a loopback canary', code: () => `async function main() { return await fetch('http://127.0.0.1:${canary.port()}/') }`, contained: ['runtime_error'], message: notDefined('fetch') },
  { name: 'XMLHttpRequest and WebSocket', code: () => `new WebSocket('ws://127.0.0.1:${canary.port()}/')`, contained: ['runtime_error'], message: notDefined('WebSocket') },
  { name: "eval('process')", code: "eval('process.pid')", contained: ['runtime_error'], message: notDefined('process') },
  { name: 'host timers', code: 'setTimeout(() => {}, 10)', contained: ['runtime_error'], message: notDefined('setTimeout') },
  { name: 'infinite loop', code: 'while (true) {}', timeoutMs: 300, contained: ['timeout'], overrun: true },
  { name: 'infinite async loop', code: 'async function main() { for (;;) await null }', timeoutMs: 300, contained: ['timeout'], overrun: true },
  { name: 'microtask bomb', code: 'function bomb() { Promise.resolve().then(bomb); Promise.resolve().then(bomb) } bomb(); new Promise(() => {})', timeoutMs: 500, memoryMb: 16, contained: ['timeout', 'memory'], overrun: true },
  { name: 'toJSON that never returns', code: '({ toJSON() { for (;;) {} } })', timeoutMs: 300, contained: ['timeout'], overrun: true },
  { name: 'huge allocation, many arrays', code: 'const keep = []; for (;;) keep.push(new Array(100000).fill(1))', memoryMb: 16, contained: ['memory'], overrun: true },
  { name: 'huge allocation, one buffer', code: 'new ArrayBuffer(1024 * 1024 * 1024).byteLength', memoryMb: 16, contained: ['memory'], overrun: true },
  { name: 'deep recursion', code: 'function dive(depth) { return dive(depth + 1) + 1 } dive(0)', contained: ['runtime_error'], message: /stack/i, overrun: true },
  { name: 'fork-bomb style doubling recursion', code: 'const spawn = () => [spawn(), spawn()]; spawn()', timeoutMs: 2000, contained: ['runtime_error', 'timeout'], overrun: true },
  { name: 'giant result', code: "'x'.repeat(2 * 1024 * 1024)", memoryMb: 64, contained: ['output_limit'], overrun: true },
  { name: 'giant logs', code: "for (;;) console.log('x'.repeat(10000))", timeoutMs: 5000, contained: ['output_limit'], overrun: true },
  { name: 'result that is not JSON-serialisable', code: '({ big: 1n })', contained: ['runtime_error'], message: /BigInt|JSON/ },
  { name: 'syntax error', code: 'function (', contained: ['syntax_error'] },
];

describe('escape corpus: javascript', () => {
  it('has enough cases to matter', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const testCase of cases) {
    it(`contains ${testCase.name}`, async () => {
      const code = typeof testCase.code === 'function' ? testCase.code() : testCase.code;
      const result = await sandbox.run({ language: 'javascript', code, timeoutMs: testCase.timeoutMs ?? 3000, memoryMb: testCase.memoryMb ?? 32 });
      expectContained(result, testCase);
      expect(canary.connections()).toBe(0);
      if (testCase.overrun) {
        const after = await sandbox.run({ language: 'javascript', code: 'function main(input) { return input + 1 }', input: 41 });
        expect(after).toMatchObject({ ok: true, result: 42 });
      }
    });
  }

  it('leaves the host prototypes alone and gives the next job clean ones', async () => {
    const polluter = "Object.prototype.polluted = 1; Array.prototype.map = null; JSON.parse = () => 'hijacked'; 1";
    expect(await sandbox.run({ language: 'javascript', code: polluter })).toMatchObject({ ok: true, result: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof [].map).toBe('function');
    const next = await sandbox.run({ language: 'javascript', code: "[({}).polluted === undefined, typeof [].map, JSON.parse('2')]" });
    expect(next).toMatchObject({ ok: true, result: [true, 'function', 2] });
  });

  it('returns a "__proto__" key as data without polluting the host', async () => {
    const result = await sandbox.run({ language: 'javascript', code: 'JSON.parse(\'{"__proto__": {"polluted": true}}\')' });
    expect(result.ok && Object.hasOwn(result.result as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});


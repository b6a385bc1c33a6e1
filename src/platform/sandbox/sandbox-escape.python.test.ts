import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessSandbox } from './process-sandbox.js';
import { expectContained, useLoopbackCanary, type EscapeCase } from '../../test-kit/sandbox-escape.js';

/**
 * Escape corpus, Python half. Pyodide can reach Node's globalThis through `js`, `pyodide_js`,
 * `pyodide.ffi` and ctypes; these cases try those routes (and what is left when the import
 * blocker itself is removed), the file system, the environment, the network and processes, and
 * the limits. Each run must be contained: a failure of the expected kind, or a result that proves
 * there was no access. After an overrun the pool must still run a simple job.
 */

const secret = `secret-${randomUUID()}`;
process.env.TIANGONG_SANDBOX_TEST_SECRET = secret;
const hostDirectory = mkdtempSync(path.join(tmpdir(), 'tiangong-sandbox-escape-'));
const secretFile = path.join(hostDirectory, 'secret.txt');
const markerFile = path.join(hostDirectory, 'marker.txt');
writeFileSync(secretFile, secret);

const sandbox = createProcessSandbox({ poolSize: { javascript: 1, python: 2 } });
const canary = useLoopbackCanary();

// Booting the pools (and making the Python snapshot) happens here, with room for a slow CI machine.
beforeAll(() => sandbox.warmUp(), 180_000);


afterAll(async () => {
  await sandbox.close();
  rmSync(hostDirectory, { recursive: true, force: true });
  delete process.env.TIANGONG_SANDBOX_TEST_SECRET;
});


/** The import blocker's message; a submodule is refused at its package (`No module named 'pyodide'`). */
const blocked = (name: string): RegExp => new RegExp(`No module named '${name}`);
const lines = (...code: string[]): string => code.join('\n');
/** Removes the sandbox's import blocker, as a determined attacker would. */
const dropBlocker = "import sys\nsys.meta_path[:] = [f for f in sys.meta_path if getattr(f, '__name__', '') != '_BlockedImports']";

const cases: EscapeCase[] = [
  { name: 'import js; js.process', code: 'import js\njs.process.env', contained: ['runtime_error'], message: blocked('js') },
  { name: 'from js import require', code: "from js import require\nrequire('fs')", contained: ['runtime_error'], message: blocked('js') },
  { name: 'from js import fetch', code: () => `from js import fetch\nfetch('http://127.0.0.1:${canary.port()}/')`, contained: ['runtime_error'], message: blocked('js') },
  { name: 'import pyodide_js', code: 'import pyodide_js\npyodide_js.version', contained: ['runtime_error'], message: blocked('pyodide_js') },
  { name: 'pyodide.ffi', code: 'from pyodide.ffi import to_js\nto_js({})', contained: ['runtime_error'], message: blocked('pyodide') },
  { name: 'pyodide.code.run_js', code: "import pyodide.code\npyodide.code.run_js('process.pid')", contained: ['runtime_error'], message: blocked('pyodide') },
  { name: 'import _pyodide_core', code: 'import _pyodide_core', contained: ['runtime_error'], message: blocked('_pyodide_core') },
  { name: "importlib.import_module('js')", code: "import importlib\nimportlib.import_module('js')", contained: ['runtime_error'], message: blocked('js') },
  { name: "__builtins__.__import__('js')", code: "__builtins__.__import__('js')", contained: ['runtime_error'], message: blocked('js') },
  {
    name: 'sys.modules holds no bridge to JavaScript',
    code: "import sys\nsorted(n for n in sys.modules if n.split('.')[0] in ('js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core', 'ctypes', '_ctypes'))",
    contained: (result) => expect(result).toEqual([]),
  },
  {
    name: 'without the import blocker: no js proxies left, and no code generation in JavaScript',
    code: lines(
      dropBlocker,
      'import gc, importlib.machinery, importlib.util',
      'report = {}',
      "report['proxies'] = sorted(k for f in gc.get_objects() if type(f).__name__ == 'JsFinder' for k in f.jsproxies)",
      'try:\n    import js\n    report["js"] = "imported"\nexcept ImportError as error:\n    report["js"] = "refused"',
      "spec = importlib.machinery.BuiltinImporter.find_spec('_pyodide_core')",
      'core = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(core)',
      "function = core.to_js({}).constructor.constructor",
      "try:\n    report['process'] = str(function('return typeof process')())\nexcept Exception as error:\n    report['process'] = str(error)",
      'report',
    ),
    contained: (result) => {
      expect(result).toMatchObject({ proxies: [], js: 'refused' });
      expect((result as { process: string }).process).toMatch(/Code generation from strings disallowed/);
    },
  },
  {
    name: 'without the import blocker: ctypes reaches emscripten_run_script, whose eval is refused',
    code: lines(dropBlocker, 'import ctypes', "ctypes.CDLL(None).emscripten_run_script_int(b\"(() => { throw new Error('eval-ran') })()\")"),
    contained: ['crashed', 'runtime_error'],
    message: /Code generation from strings disallowed/,
    overrun: true,
  },
  { name: 'import ctypes', code: 'import ctypes', contained: ['runtime_error'], message: blocked('ctypes') },
  { name: 'import micropip', code: "import micropip\nmicropip.install('requests')", contained: ['runtime_error'], message: blocked('micropip') },
  {
    name: "__import__('os').system",
    code: () => `__import__('os').system('touch ${markerFile}; id')`,
    contained: (result) => {
      expect(result).not.toBe(0);
      expect(existsSync(markerFile)).toBe(false);
    },
  },
  { name: 'subprocess', code: "import subprocess\nsubprocess.run(['id'], capture_output=True).stdout", contained: ['runtime_error'], message: /OSError|not supported|processes/ },
  { name: 'os.fork', code: 'import os\nos.fork()', contained: ['runtime_error'], message: /OSError/ },
  { name: 'multiprocessing', code: 'import multiprocessing\nmultiprocessing.Process(target=print).start()', contained: ['runtime_error'] },
  { name: 'threads', code: 'import threading\nthreading.Thread(target=print).start()', contained: ['runtime_error'], message: /can't start new thread/ },
  { name: 'kill the parent', code: 'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)', contained: ['runtime_error'] },
  {
    name: "os.listdir('/') shows only the in-memory file system",
    code: "import os\nos.listdir('/')",
    contained: (result) => {
      expect(result).toEqual(expect.arrayContaining(['tmp', 'home']));
      for (const hostOnly of ['etc', 'usr', 'root', 'var', 'bin']) expect(result).not.toContain(hostOnly);
    },
  },
  { name: "open('/etc/passwd')", code: "open('/etc/passwd').read()", contained: ['runtime_error'], message: /FileNotFoundError/ },
  { name: 'read a host file', code: () => `open(${JSON.stringify(secretFile)}).read()`, contained: ['runtime_error'], message: /FileNotFoundError/ },
  { name: 'write a host file', code: () => `open(${JSON.stringify(markerFile)}, 'w').write('written')`, contained: ['runtime_error'], message: /FileNotFoundError/ },
  {
    name: 'os.environ',
    code: 'import os\ndict(os.environ)',
    contained: (result) => {
      expect(JSON.stringify(result)).not.toContain(secret);
      expect(Object.keys(result as object).every((name) => ['HOME', 'PATH', 'LANG'].includes(name))).toBe(true);
    },
  },
  { name: '/proc/self/environ', code: "open('/proc/self/environ').read()", contained: ['runtime_error'], message: /FileNotFoundError/ },
  { name: 'socket to the loopback canary', code: () => `import socket\ns = socket.socket()\ns.settimeout(2)\ns.connect(('127.0.0.1', ${canary.port()}))\n'connected'`, contained: ['runtime_error'] },
  { name: 'socket.create_connection by name', code: () => `import socket\nsocket.create_connection(('localhost', ${canary.port()}), timeout=2)\n'connected'`, contained: ['runtime_error'] },
  { name: 'urllib.request.urlopen', code: () => `import urllib.request\nurllib.request.urlopen('http://127.0.0.1:${canary.port()}/', timeout=2).read()`, contained: ['runtime_error'] },
  { name: 'http.client', code: () => `import http.client\nc = http.client.HTTPConnection('127.0.0.1', ${canary.port()}, timeout=2)\nc.request('GET', '/')\nc.getresponse().status`, contained: ['runtime_error'] },
  { name: 'while True: pass', code: 'while True:\n    pass', timeoutMs: 300, contained: ['timeout'], overrun: true },
  { name: 'a loop that swallows KeyboardInterrupt', code: 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass', timeoutMs: 300, contained: ['timeout'], overrun: true },
  { name: 'one huge allocation', code: 'data = bytearray(1024 ** 3)\nlen(data)', memoryMb: 32, contained: ['memory'], message: /MemoryError|memory/, overrun: true },
  { name: 'allocation in a loop', code: "keep = []\nwhile True:\n    keep.append(' ' * 1_000_000)", memoryMb: 32, contained: ['memory'], overrun: true },
  { name: 'filling the in-memory file system', code: "with open('/tmp/fill', 'wb') as f:\n    while True:\n        f.write(b'x' * 1_000_000)", contained: ['runtime_error'], message: /No space left/, overrun: true },
  { name: 'filling it with many files', code: "for i in range(10_000):\n    with open(f'/tmp/f{i}', 'wb') as f:\n        f.write(b'x' * 1_000_000)", contained: ['runtime_error'], message: /No space left/ },
  { name: 'a sparse file truncated to 1 GB', code: "with open('/tmp/sparse', 'wb') as f:\n    f.truncate(1024 ** 3)", contained: ['runtime_error'], message: /No space left/ },
  { name: 'deep recursion', code: 'def dive(n):\n    return dive(n + 1)\ndive(0)', contained: ['runtime_error'], message: /RecursionError/ },
  { name: 'deep recursion past a raised limit', code: 'import sys\nsys.setrecursionlimit(10 ** 6)\ndef dive(n):\n    return dive(n + 1) + 1\ndive(0)', contained: ['runtime_error', 'memory'], message: /Recursion|memory/, overrun: true },
  { name: 'giant logs', code: "while True:\n    print('x' * 10000)", timeoutMs: 5000, contained: ['output_limit'], overrun: true },
  { name: 'giant result', code: "'x' * (2 * 1024 * 1024)", contained: ['output_limit'], overrun: true },
  { name: 'result that is not JSON-serialisable', code: 'object()', contained: ['runtime_error'], message: /not JSON-serialisable/ },
  { name: 'syntax error', code: 'def main(:\n    pass', contained: ['syntax_error'] },
];

describe('escape corpus: python', () => {
  it('has enough cases to matter', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const testCase of cases) {
    it(`contains ${testCase.name}`, async () => {
      const code = typeof testCase.code === 'function' ? testCase.code() : testCase.code;
      const result = await sandbox.run({ language: 'python', code, timeoutMs: testCase.timeoutMs ?? 5000, memoryMb: testCase.memoryMb ?? 64 });
      expectContained(result, testCase);
      expect(JSON.stringify(result)).not.toContain(secret);
      expect(JSON.stringify(result)).not.toContain('eval-ran');
      expect(existsSync(markerFile)).toBe(false);
      expect(canary.connections()).toBe(0);
      if (testCase.overrun) {
        const after = await sandbox.run({ language: 'python', code: 'def main(input):\n    return input + 1', input: 41 });
        expect(after).toMatchObject({ ok: true, result: 42 });
      }
    });
  }
});


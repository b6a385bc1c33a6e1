import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { createProcessSandbox, type ProcessSandbox, type ProcessSandboxOptions } from './process-sandbox.js';
import { bundleWorkerSources } from './worker-launch.js';

const sandboxes: ProcessSandbox[] = [];
afterAll(() => Promise.all(sandboxes.map((sandbox) => sandbox.close())));

function newSandbox(options: ProcessSandboxOptions = {}): ProcessSandbox {
  const sandbox = createProcessSandbox({ poolSize: { javascript: 1, python: 1 }, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live sandbox workers started by this test process, from /proc (Linux); other helpers (esbuild's service) are not counted. */
function workerPids(): number[] {
  const workers: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in parentheses may hold spaces; the parent pid is the second field after it.
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const isWorker = commandLine.includes('--disallow-code-generation-from-strings');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z' && isWorker) workers.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return workers;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

/** A stand-in worker, run under the same flags as the real one, that answers `start` and then does `onJob`. */
function fakeWorker(onJob: string): ProcessSandboxOptions['workerEntry'] {
  const code = `process.on('message', (message) => {
    if (message.type === 'start') { process.send({ type: 'ready' }); return; }
    ${onJob}
  });`;
  return { kind: 'source', code };
}

const simpleJob = { language: 'javascript', code: 'function main(input) { return input * 2 }', input: 21 } as const;

describe('process sandbox lifecycle', () => {
  it('starts no worker until a language is used, and only that language', async () => {
    const sandbox = newSandbox();
    expect(sandbox.status()).toEqual({ javascript: { idle: 0, busy: 0, starting: 0, pids: [] }, python: { idle: 0, busy: 0, starting: 0, pids: [] } });
    expect(await sandbox.run(simpleJob)).toMatchObject({ ok: true, result: 42 });
    expect(sandbox.status().javascript.pids).toHaveLength(1);
    expect(sandbox.status().python).toEqual({ idle: 0, busy: 0, starting: 0, pids: [] });
  });

  it('warms up a pool on request and queues runs beyond its size', async () => {
    const sandbox = newSandbox({ poolSize: { javascript: 2 } });
    await sandbox.warmUp(['javascript']);
    expect(sandbox.status().javascript).toMatchObject({ idle: 2, starting: 0 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => sandbox.run({ language: 'javascript', code: `${n} * 10` })));
    expect(results.map((result) => result.ok && result.result)).toEqual([10, 20, 30, 40, 50]);
  });

  it('kills a run when its signal aborts, and keeps serving', async () => {
    const sandbox = newSandbox();
    const controller = new AbortController();
    const running = sandbox.run({ language: 'javascript', code: 'while (true) {}', timeoutMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(await sandbox.run(simpleJob)).toMatchObject({ ok: true, result: 42 });
  });

  it('does not start anything for a run whose signal is already aborted', async () => {
    const sandbox = newSandbox();
    const result = await sandbox.run({ ...simpleJob, signal: AbortSignal.abort() });
    expect(result).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(sandbox.status().javascript.pids).toEqual([]);
  });

  it('throws for an invalid request or a disabled language, before starting a worker', async () => {
    const sandbox = newSandbox({ poolSize: { python: 0 } });
    expect((await rejection(sandbox.run({ language: 'javascript', code: '1', timeoutMs: 0 }))).code).toBe('SANDBOX_INVALID_REQUEST');
    expect((await rejection(sandbox.run({ language: 'python', code: '1' }))).code).toBe('SANDBOX_LANGUAGE_DISABLED');
    expect(sandbox.status().javascript.pids).toEqual([]);
    expect(() => createProcessSandbox({ defaults: { memoryMb: -1 } })).toThrow(RangeError);
  });

  it('on close aborts the runs in flight, kills every worker and refuses new runs', async () => {
    const sandbox = newSandbox();
    await sandbox.warmUp(['javascript']);
    const pids = sandbox.status().javascript.pids;
    const running = sandbox.run({ language: 'javascript', code: 'while (true) {}', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sandbox.close();
    expect(await running).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(pids.length).toBe(1);
    expect(pids.filter(isRunning)).toEqual([]);
    expect((await rejection(sandbox.run(simpleJob))).code).toBe('SANDBOX_CLOSED');
  });

  it('on close aborts a run still waiting for its worker to start, and leaves no process behind', async () => {
    const sandbox = newSandbox();
    const waiting = sandbox.run(simpleJob);
    await sandbox.close();
    expect(await waiting).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    await Promise.all(sandboxes.map((each) => each.close()));
    // close() waits for every exit, workers still starting included: nothing may be left right after it.
    if (existsSync('/proc')) expect(workerPids()).toEqual([]);
  });

  it('replaces an idle worker killed from outside', async () => {
    const sandbox = newSandbox();
    await sandbox.warmUp(['javascript']);
    const [pid] = sandbox.status().javascript.pids;
    process.kill(pid!, 'SIGKILL');
    await vi.waitFor(() => expect(sandbox.status().javascript.pids).not.toContain(pid));
    expect(await sandbox.run(simpleJob)).toMatchObject({ ok: true, result: 42 });
    expect(sandbox.status().javascript.pids).toHaveLength(1);
  });
});

describe('the parent enforces its limits on a misbehaving worker', () => {
  it('kills a worker that ignores the wall-time limit', async () => {
    const sandbox = newSandbox({ workerEntry: fakeWorker('/* never answers */') });
    const result = await sandbox.run({ ...simpleJob, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', message: expect.stringContaining('300 ms') } });
  });

  it('kills a worker whose resident memory passes the limit', async () => {
    const sandbox = newSandbox({ memoryPollIntervalMs: 20, memorySlackMb: 16, workerEntry: fakeWorker("const keep = []; setInterval(() => keep.push(new Uint8Array(32 * 1024 * 1024).fill(1)), 5);") });
    const result = await sandbox.run({ ...simpleJob, memoryMb: 16, timeoutMs: 20_000 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'memory' } });
  });

  it('treats a message that breaks the protocol as a crash', async () => {
    const sandbox = newSandbox({ workerEntry: fakeWorker("process.send({ type: 'done', jobId: message.job.id, outcome: { ok: 'yes' } });") });
    const result = await sandbox.run(simpleJob);
    expect(result).toMatchObject({ ok: false, error: { kind: 'crashed', message: expect.stringMatching(/breaks the protocol/) } });
  });

  it('reports a worker that cannot start as crashed, every time, without hanging', async () => {
    const sandbox = newSandbox({ workerEntry: { kind: 'source', code: "process.stderr.write('cannot boot'); process.exit(3);" } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await sandbox.run(simpleJob);
      expect(result).toMatchObject({ ok: false, error: { kind: 'crashed', message: expect.stringMatching(/exited while starting.*cannot boot/s) } });
    }
  });

  it('runs the worker as a compiled file, as after npm run build', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'tiangong-sandbox-worker-'));
    try {
      const entry = path.join(directory, 'worker-main.js');
      writeFileSync(entry, bundleWorkerSources(fileURLToPath(new URL('./worker/worker-main.ts', import.meta.url))));
      const sandbox = newSandbox({ workerEntry: { kind: 'file', path: entry }, pythonSnapshot: false });
      expect(await sandbox.run(simpleJob)).toMatchObject({ ok: true, result: 42 });
      expect(await sandbox.run({ language: 'python', code: 'import sys\nsys.version_info[0]' })).toMatchObject({ ok: true, result: 3 });
      await sandbox.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('a worker whose parent dies', () => {
  it('exits even in the middle of a job that never yields', async () => {
    // A throw-away parent starts a JavaScript and a Python job that loop forever, reports the
    // worker pids and kills itself; the workers must notice and exit on their own.
    const sandboxModule = pathToFileURL(fileURLToPath(new URL('./process-sandbox.ts', import.meta.url))).href;
    const parentCode = `
      import { createProcessSandbox } from ${JSON.stringify(sandboxModule)};
      const sandbox = createProcessSandbox({ pythonSnapshot: false, poolSize: { javascript: 1, python: 1 } });
      await sandbox.warmUp();
      void sandbox.run({ language: 'javascript', code: 'while (true) {}', timeoutMs: 600000 });
      void sandbox.run({ language: 'python', code: 'while True:\\n    pass', timeoutMs: 600000 });
      setTimeout(() => {
        const { javascript, python } = sandbox.status();
        process.stdout.write(JSON.stringify([...javascript.pids, ...python.pids]) + '\\n', () => process.kill(process.pid, 'SIGKILL'));
      }, 500);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => parent.once('exit', resolve));
    const pids = JSON.parse(output.trim()) as number[];
    expect(pids).toHaveLength(2);
    await vi.waitFor(() => expect(pids.filter(isRunning)).toEqual([]), { timeout: 10_000, interval: 100 });
  }, 60_000);
});

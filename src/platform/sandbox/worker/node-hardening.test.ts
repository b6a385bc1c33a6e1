import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkerSources, createWorkerLaunch } from '../worker-launch.js';

/**
 * The Node layer on its own: a process started with the worker's command line (permission model,
 * no code generation from strings, empty environment) runs the hardening and then tries every
 * door JavaScript would have if user code reached it. Each attempt reports how it was refused.
 */

const hardeningModule = fileURLToPath(new URL('./node-hardening.ts', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'tiangong-hardening-'));
let connections = 0;
const canary = createServer((socket) => {
  connections++;
  socket.destroy();
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  port = (canary.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => canary.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** The probe: each attempt resolves to 'allowed' or to the error code/name that refused it. */
function probeSource(): string {
  return `
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import workerThreads from 'node:worker_threads';
import { hardenNodeBuiltins, stripHostGlobals } from ${JSON.stringify(hardeningModule)};

const send = process.send.bind(process);
const parentPid = process.ppid;
hardenNodeBuiltins();
const outcome = async (attempt) => {
  try {
    const value = await attempt();
    return value === undefined ? 'allowed' : value;
  } catch (error) {
    return error.code ?? error.name;
  }
};
const report = {
  netConnect: await outcome(() => { net.connect(${port}, '127.0.0.1'); }),
  socketConnect: await outcome(() => { new net.Socket().connect(${port}, '127.0.0.1'); }),
  httpGet: await outcome(() => { http.get('http://127.0.0.1:${port}/'); }),
  fetch: await outcome(() => fetch('http://127.0.0.1:${port}/').then(() => undefined, (error) => { throw error.cause ?? error; })),
  dnsLookup: await outcome(() => { dns.lookup('localhost', () => {}); }),
  dnsPromises: await outcome(() => dns.promises.lookup('localhost')),
  udp: await outcome(() => { dgram.createSocket('udp4'); }),
  listen: await outcome(() => { net.createServer().listen(0); }),
  spawnSync: await outcome(() => 'status ' + childProcess.spawnSync('id').status),
  exec: await outcome(() => { childProcess.exec('id'); }),
  importedExecSync: await outcome(async () => { (await import('node:child_process')).execSync('id'); }),
  worker: await outcome(() => { new workerThreads.Worker('1', { eval: true }); }),
  killParent: await outcome(() => { process.kill(parentPid, 0); }),
  rawKill: await outcome(() => { process._kill(parentPid, 0); }),
  binding: await outcome(() => { process.binding('tcp_wrap'); }),
  bindingConstants: await outcome(() => typeof process.binding('constants').fs.O_RDONLY),
  readPasswd: await outcome(() => { fs.readFileSync('/etc/passwd'); }),
  writeFile: await outcome(() => { fs.writeFileSync(${JSON.stringify(path.join(scratch, 'written'))}, 'x'); }),
  environment: await outcome(() => JSON.stringify(process.env)),
  codeFromStrings: await outcome(() => { Function('return 1')(); }),
};
stripHostGlobals();
report.globalsLeft = ['process', 'require', 'fetch', 'Buffer', 'global'].filter((name) => name in globalThis).join(',') || 'none';
send(report, () => process.exit(0));
`;
}

async function runProbe(): Promise<Record<string, string>> {
  const probeFile = path.join(scratch, 'probe.ts');
  writeFileSync(probeFile, probeSource());
  const launch = createWorkerLaunch({ kind: 'source', code: bundleWorkerSources(probeFile) });
  const child = spawn(launch.execPath, launch.args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: {}, cwd: '/' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('message', (report) => resolve(report as Record<string, string>));
    child.once('exit', (code) => reject(new Error(`probe exited with ${code}: ${stderr}`)));
  });
}

describe('node hardening in a worker process', () => {
  it('refuses the network, processes, the file system, code generation and the host globals', async () => {
    const report = await runProbe();
    expect(report).toEqual({
      netConnect: 'ERR_ACCESS_DENIED',
      socketConnect: 'ERR_ACCESS_DENIED',
      httpGet: 'ERR_ACCESS_DENIED',
      fetch: 'ERR_ACCESS_DENIED',
      dnsLookup: 'ERR_ACCESS_DENIED',
      dnsPromises: 'ERR_ACCESS_DENIED',
      udp: 'ERR_ACCESS_DENIED',
      listen: 'ERR_ACCESS_DENIED',
      spawnSync: 'status 127',
      exec: 'ERR_ACCESS_DENIED',
      importedExecSync: 'ERR_ACCESS_DENIED',
      worker: 'ERR_ACCESS_DENIED',
      killParent: 'ERR_ACCESS_DENIED',
      rawKill: 'ERR_ACCESS_DENIED',
      binding: 'ERR_ACCESS_DENIED',
      bindingConstants: 'number',
      readPasswd: 'ERR_ACCESS_DENIED',
      writeFile: 'ERR_ACCESS_DENIED',
      environment: '{}',
      codeFromStrings: 'EvalError',
      globalsLeft: 'none',
    });
    expect(connections).toBe(0);
  });
});

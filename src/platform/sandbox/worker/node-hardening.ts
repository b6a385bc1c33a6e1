import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { constants as fileSystemConstants } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import inspector from 'node:inspector';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import workerThreads from 'node:worker_threads';

/**
 * In-process hardening of a worker, the layer between the interpreter and Node. The permission
 * model (set on the command line) already refuses file writes, reads outside an allow-list, child
 * processes, worker threads, addons and the inspector; Node 20 has no network permission, so the
 * network entry points are replaced here, together with the process methods that reach other
 * processes. `--disallow-code-generation-from-strings` means code that reaches JS can only call
 * functions that already exist, which is why replacing these is enough.
 */

type Patchable = Record<string, unknown>;

/** Builds a function that always throws the permission model's error code, also when called with `new`. */
function refusal(what: string): () => never {
  return function refused(): never {
    throw Object.assign(new Error(`${what} is not available in the sandbox`), { code: 'ERR_ACCESS_DENIED' });
  };
}

function replace(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: false, configurable: false, enumerable: false });
  if ((target as Patchable)[key] !== value) throw new Error(`Sandbox hardening could not replace ${key}`);
}

function replaceAll(target: object, keys: string[], what: string): void {
  for (const key of keys) {
    if (key in target) replace(target, key, refusal(what));
  }
}

const dnsFunctions = [
  'lookup',
  'lookupService',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
  'reverse',
];

function blockNetwork(): void {
  const network = 'Network access';
  replaceAll(net.Socket.prototype, ['connect'], network);
  replaceAll(net.Server.prototype, ['listen'], network);
  replaceAll(net, ['connect', 'createConnection'], network);
  replaceAll(tls, ['connect'], network);
  replaceAll(dgram.Socket.prototype, ['bind', 'connect', 'send'], network);
  replaceAll(dgram, ['createSocket'], network);
  replaceAll(dns, dnsFunctions, network);
  replaceAll(dns.Resolver.prototype, dnsFunctions, network);
  replaceAll(dns.promises, dnsFunctions, network);
  replaceAll(dns.promises.Resolver.prototype, dnsFunctions, network);
  replaceAll(http, ['request', 'get'], network);
  replaceAll(https, ['request', 'get'], network);
  replaceAll(http.Agent.prototype, ['createConnection'], network);
  replaceAll(http2, ['connect'], network);
}

/** What `spawnSync` reports instead of running anything, so Emscripten's `system()` fails softly. */
function refusedSpawnResult(): object {
  const error = Object.assign(new Error('Child processes are not available in the sandbox'), { code: 'ERR_ACCESS_DENIED' });
  return { pid: 0, output: [null, null, null], stdout: null, stderr: null, status: 127, signal: null, error };
}

function blockProcesses(): void {
  const processes = 'Starting processes';
  replace(childProcess, 'spawnSync', refusedSpawnResult);
  replaceAll(childProcess, ['spawn', 'exec', 'execFile', 'execSync', 'execFileSync', 'fork'], processes);
  replaceAll(workerThreads, ['Worker'], 'Worker threads');
  replaceAll(inspector, ['open', 'url', 'waitForDebugger'], 'The inspector');
  replaceAll(inspector.Session.prototype, ['connect', 'connectToMainThread'], 'The inspector');
  // kill/_kill reach other processes (the server itself); _debugProcess turns on another process's inspector.
  replaceAll(process, ['kill', '_kill', '_debugProcess', '_debugEnd', 'dlopen', '_linkedBinding'], 'This process method');
  // Pyodide's NODEFS reads file-system constants through process.binding, which the permission model refuses.
  const binding = (name: string): object => {
    if (name === 'constants') return { fs: fileSystemConstants };
    throw Object.assign(new Error('process.binding is not available in the sandbox'), { code: 'ERR_ACCESS_DENIED' });
  };
  replace(process, 'binding', binding);
}

/** Replaces the network, process and inspector entry points of Node with functions that throw. */
export function hardenNodeBuiltins(): void {
  blockNetwork();
  blockProcesses();
  syncBuiltinESMExports();
}

/** Globals that reach Node or the network; the worker keeps private references to what it needs. */
const hostGlobals = ['process', 'require', 'module', 'fetch', 'WebSocket', 'EventSource', 'navigator', 'Buffer', 'global'];

/** Deletes the host globals once the interpreter is loaded, so reaching globalThis reaches nothing. */
export function stripHostGlobals(): void {
  const scope = globalThis as unknown as Patchable;
  for (const name of hostGlobals) {
    if (!(name in scope)) continue;
    const removed = Reflect.deleteProperty(scope, name);
    if (!removed || name in scope) throw new Error(`Sandbox hardening could not remove the global ${name}`);
  }
}

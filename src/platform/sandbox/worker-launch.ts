import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SandboxLanguage } from './sandbox.js';

/** How to start a worker process: the node binary, its arguments and the runtime packages to load. */
export interface WorkerLaunch {
  execPath: string;
  /** Node flags followed by the entry (a file, or `--input-type=module -e <bundle>`). */
  args: string[];
  /** file: URL of each language's runtime package entry. */
  moduleUrls: Record<SandboxLanguage, string>;
}

/** Where the worker code comes from: the compiled file, or TypeScript sources bundled on first use. */
export type WorkerEntry = { kind: 'file'; path: string } | { kind: 'source'; code: string };

const here = path.dirname(fileURLToPath(import.meta.url));
const requireHere = createRequire(import.meta.url);
/** Linux refuses a single argument longer than 128 KiB (MAX_ARG_STRLEN). */
const maximumArgumentBytes = 120 * 1024;
/** V8 heap of a worker: logs, results and interpreter glue live there, user data does not. */
const workerHeapMb = 256;

let defaultEntry: WorkerEntry | undefined;

/**
 * Finds the worker entry: `worker/worker-main.js` beside this file after `npm run build`;
 * under tsx or vitest (this file is `.ts`) the TypeScript sources are bundled once with the
 * esbuild that tsx ships, because a worker under the permission model cannot run tsx (its
 * loader needs a worker thread and esbuild a child process).
 */
export function findWorkerEntry(): WorkerEntry {
  if (defaultEntry) return defaultEntry;
  const compiled = path.join(here, 'worker', 'worker-main.js');
  if (existsSync(compiled)) defaultEntry = { kind: 'file', path: compiled };
  else defaultEntry = { kind: 'source', code: bundleWorkerSources(path.join(here, 'worker', 'worker-main.ts')) };
  return defaultEntry;
}

interface EsbuildApi {
  buildSync(options: Record<string, unknown>): { outputFiles?: Array<{ text: string }> };
}

/** Bundles the worker's TypeScript into one ES module; it imports only Node built-ins. */
export function bundleWorkerSources(entryPath: string): string {
  const esbuild = createRequire(requireHere.resolve('tsx/package.json'))('esbuild') as EsbuildApi;
  const result = esbuild.buildSync({
    entryPoints: [entryPath],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles?.[0]?.text;
  if (!code) throw new Error(`Bundling the sandbox worker ${entryPath} produced no output`);
  return code;
}

/** The node_modules directory that holds the package whose file this is. */
function nodeModulesOf(file: string): string {
  let directory = path.dirname(file);
  while (path.basename(directory) !== 'node_modules') {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`${file} is not inside a node_modules directory`);
    directory = parent;
  }
  return directory;
}

function resolveRuntimePackages(): { files: Record<SandboxLanguage, string>; roots: string[] } {
  const python = requireHere.resolve('pyodide/pyodide.mjs');
  const quickjsCommonJs = requireHere.resolve('quickjs-emscripten');
  const quickjsModule = quickjsCommonJs.replace(/\.js$/, '.mjs');
  const javascript = existsSync(quickjsModule) ? quickjsModule : quickjsCommonJs;
  const roots = [...new Set([nodeModulesOf(python), nodeModulesOf(javascript)])];
  return { files: { javascript, python }, roots };
}

/** The permission flag: `--permission` from Node 22.13, `--experimental-permission` before. */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/**
 * Builds the command line of a worker: the permission model with read access to the runtime
 * packages (and the compiled worker) only, no code generation from strings, no addons, a V8
 * heap cap, then the entry.
 */
export function createWorkerLaunch(entry: WorkerEntry = findWorkerEntry()): WorkerLaunch {
  const packages = resolveRuntimePackages();
  const readable = [...packages.roots, ...(entry.kind === 'file' ? [path.dirname(entry.path)] : [])];
  const flags = [
    permissionFlag(),
    ...readable.map((directory) => `--allow-fs-read=${path.join(directory, '*')}`),
    '--disallow-code-generation-from-strings',
    '--no-addons',
    '--no-warnings',
    `--max-old-space-size=${workerHeapMb}`,
  ];
  if (entry.kind === 'source' && Buffer.byteLength(entry.code) > maximumArgumentBytes) {
    throw new Error('The bundled sandbox worker is too large to pass on the command line');
  }
  const entryArguments = entry.kind === 'file' ? [entry.path] : ['--input-type=module', '-e', entry.code];
  return {
    execPath: process.execPath,
    args: [...flags, ...entryArguments],
    moduleUrls: {
      javascript: pathToFileURL(packages.files.javascript).href,
      python: pathToFileURL(packages.files.python).href,
    },
  };
}

import { Worker } from 'node:worker_threads';
import { ToolError } from '../tool.js';

/** What the regex tool does with a pattern. */
export type RegexOperation = 'test' | 'match' | 'replace' | 'split';

/** One regular-expression job, run away from the main thread. */
export interface RegexRequest {
  pattern: string;
  flags: string;
  text: string;
  operation: RegexOperation;
  replacement: string;
  maxMatches: number;
  maxOutputLength: number;
}

/** How long and with how much memory a regex job may run. */
export interface RegexLimits {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The worker's program, as plain JavaScript so it runs the same under tsx, vitest and the build.
 * It receives a `RegexRequest` and posts `{ ok, value }` or `{ ok: false, message }`.
 */
const workerSource = `
const { parentPort, workerData: request } = require('node:worker_threads');
function run() {
  const { pattern, flags, text, operation, replacement, maxMatches, maxOutputLength } = request;
  if (operation === 'test') return { matched: new RegExp(pattern, flags.replace(/[gy]/g, '')).test(text) };
  if (operation === 'match') {
    const regex = new RegExp(pattern, flags.includes('g') ? flags : flags + 'g');
    const matches = [];
    let truncated = false;
    for (const match of text.matchAll(regex)) {
      if (matches.length === maxMatches) { truncated = true; break; }
      matches.push({
        match: match[0],
        index: match.index,
        groups: match.slice(1).map((group) => (group === undefined ? null : group)),
        namedGroups: match.groups ? { ...match.groups } : null,
      });
    }
    return { count: matches.length, truncated, matches };
  }
  if (operation === 'replace') {
    const regex = new RegExp(pattern, flags);
    const counter = new RegExp(pattern, flags.includes('g') ? flags : flags.replace('y', ''));
    const replacements = flags.includes('g') ? [...text.matchAll(counter)].length : (counter.test(text) ? 1 : 0);
    const output = text.replace(regex, replacement);
    if (output.length > maxOutputLength) throw new Error('The result is longer than ' + maxOutputLength + ' characters');
    return { output, replacements };
  }
  const parts = text.split(new RegExp(pattern, flags)).map((part) => (part === undefined ? null : part));
  if (parts.length > maxMatches) return { parts: parts.slice(0, maxMatches), count: parts.length, truncated: true };
  return { parts, count: parts.length, truncated: false };
}
try {
  parentPort.postMessage({ ok: true, value: run() });
} catch (error) {
  parentPort.postMessage({ ok: false, message: error && error.message ? error.message : String(error) });
}
`;

type WorkerReply = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * Runs a regex job in a worker thread and kills it when it overruns `timeoutMs` or the signal
 * aborts: V8 cannot interrupt a backtracking match, so a thread of its own is the only real bound.
 */
export function runRegex(request: RegexRequest, limits: RegexLimits): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(new ToolError('The regular expression was cancelled')));
    const timer = setTimeout(() => {
      finish(() =>
        reject(
          new ToolError(
            `The regular expression did not finish within ${limits.timeoutMs} ms (probably catastrophic backtracking); ` +
              'simplify the pattern or shorten the text',
          ),
        ),
      );
    }, limits.timeoutMs);
    if (limits.signal?.aborted) return onAbort();
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: WorkerReply) => {
      finish(() => (reply.ok ? resolve(reply.value) : reject(new ToolError(reply.message))));
    });
    worker.once('error', (error) => finish(() => reject(new ToolError(`The regular expression failed: ${error.message}`))));
    worker.once('exit', (code) => finish(() => reject(new ToolError(`The regular expression worker stopped (exit code ${code})`))));
  });
}

/** Reads a quantifier at `index` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`); returns its length and largest count. */
function quantifierAt(pattern: string, index: number): { length: number; max: number } | null {
  const character = pattern[index];
  if (character === '*' || character === '+') return { length: 1, max: Infinity };
  if (character === '?') return { length: 1, max: 1 };
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index, index + 24));
  if (!braces) return null;
  const max = braces[2] === undefined ? Number(braces[1]) : braces[3] ? Number(braces[3]) : Infinity;
  return { length: braces[0].length, max };
}

/**
 * Finds the commonest cause of catastrophic backtracking: a group holding a repeating quantifier
 * that is itself repeated, as in `(a+)+` or `(\w+\s?)*`. Returns the reason, or null. Steps: walk
 * the pattern skipping escapes and character classes; keep a stack of open groups, each noting
 * whether it contains a repetition; on `)` check the quantifier that follows.
 */
export function findNestedQuantifier(pattern: string): string | null {
  const groups: { start: number; repeats: boolean }[] = [{ start: 0, repeats: false }];
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index];
    if (character === '\\') {
      index += 1;
    } else if (character === '[') {
      for (index += 1; index < pattern.length && pattern[index] !== ']'; index++) if (pattern[index] === '\\') index += 1;
    } else if (character === '(') {
      groups.push({ start: index, repeats: false });
    } else if (character === ')' && groups.length > 1) {
      const group = groups.pop()!;
      const quantifier = quantifierAt(pattern, index + 1);
      const repeated = quantifier !== null && quantifier.max > 10;
      if (repeated && group.repeats) {
        return `the group at position ${group.start} repeats a repetition ("${pattern.slice(group.start, index + 1 + quantifier.length)}"), which can take exponential time`;
      }
      groups.at(-1)!.repeats ||= group.repeats || (quantifier !== null && quantifier.max > 1);
      if (quantifier) index += quantifier.length;
    } else {
      const quantifier = quantifierAt(pattern, index);
      if (quantifier && quantifier.max > 1 && index > 0) groups.at(-1)!.repeats = true;
      if (quantifier) index += quantifier.length - 1;
    }
  }
  return null;
}

/** One line of a diff: kept, removed from the original, or added in the modified text. */
export interface DiffLine {
  kind: 'equal' | 'delete' | 'insert';
  /** The line with its line break, if it had one. */
  line: string;
}

/** The most edits the exact algorithm looks for before falling back to replacing the changed middle. */
export const MAX_EDIT_DISTANCE = 2_000;

/** Splits text into lines, each keeping its "\n", so a missing final newline is a difference too. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Myers' O(ND) shortest edit script between two sequences of line ids. Each round d extends every
 * diagonal k by one edit and then along equal lines; the furthest x per diagonal is kept in `v`.
 * A snapshot of `v` before each round (only diagonals -d-1..d+1) lets us walk back from the end.
 * Returns null when more than `maxEdits` edits are needed.
 */
function shortestEditScript(a: Int32Array, b: Int32Array, maxEdits: number): DiffLine['kind'][] | null {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  const limit = Math.min(n + m, maxEdits);
  let found = -1;
  for (let d = 0; d <= limit && found < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return null;
  const script: DiffLine['kind'][] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const snapshot = trace[d]!;
    const at = (k: number): number => snapshot[k + d + 1]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      script.push('equal');
      x -= 1;
      y -= 1;
    }
    if (d > 0) script.push(x === previousX ? 'insert' : 'delete');
    x = previousX;
    y = previousY;
  }
  return script.reverse();
}

/**
 * Line diff of two texts. Steps: split into lines; strip the common prefix and suffix; map lines to
 * integer ids; run Myers on the middle. When the middle needs more than `maxEdits` edits, it is
 * reported as deleted and re-inserted whole (a correct but not minimal diff).
 */
export function diffLines(original: string[], modified: string[], maxEdits = MAX_EDIT_DISTANCE): { lines: DiffLine[]; minimal: boolean } {
  let prefix = 0;
  while (prefix < original.length && prefix < modified.length && original[prefix] === modified[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < original.length - prefix &&
    suffix < modified.length - prefix &&
    original[original.length - 1 - suffix] === modified[modified.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const oldMiddle = original.slice(prefix, original.length - suffix);
  const newMiddle = modified.slice(prefix, modified.length - suffix);
  const ids = new Map<string, number>();
  const toIds = (lines: string[]): Int32Array =>
    Int32Array.from(lines, (line) => {
      if (!ids.has(line)) ids.set(line, ids.size);
      return ids.get(line)!;
    });
  const exact = shortestEditScript(toIds(oldMiddle), toIds(newMiddle), maxEdits);
  const script = exact ?? [...oldMiddle.map(() => 'delete' as const), ...newMiddle.map(() => 'insert' as const)];
  const lines: DiffLine[] = original.slice(0, prefix).map((line) => ({ kind: 'equal', line }));
  let oldIndex = 0;
  let newIndex = 0;
  for (const kind of script) {
    const line = kind === 'insert' ? newMiddle[newIndex]! : oldMiddle[oldIndex]!;
    if (kind !== 'insert') oldIndex += 1;
    if (kind !== 'delete') newIndex += 1;
    lines.push({ kind, line });
  }
  for (const line of original.slice(original.length - suffix)) lines.push({ kind: 'equal', line });
  return { lines, minimal: exact !== null };
}

function printLine(prefix: string, line: string): string {
  return line.endsWith('\n') ? `${prefix}${line.slice(0, -1)}` : `${prefix}${line}\n\\ No newline at end of file`;
}

function range(start: number, count: number): string {
  // GNU diff: an empty range is shown as starting at the line before it.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * Formats a diff in unified format with `context` equal lines around each change; changes closer
 * than twice the context share a hunk. Returns the text without headers and the hunk count.
 */
export function unifiedHunks(lines: DiffLine[], context: number): { text: string; hunks: number } {
  const changes = lines.flatMap((line, index) => (line.kind === 'equal' ? [] : [index]));
  const groups: [number, number][] = [];
  for (const index of changes) {
    const last = groups.at(-1);
    if (last && index - last[1] <= 2 * context + 1) last[1] = index;
    else groups.push([index, index]);
  }
  const oldBefore: number[] = [];
  const newBefore: number[] = [];
  let oldCount = 0;
  let newCount = 0;
  for (const line of lines) {
    oldBefore.push(oldCount);
    newBefore.push(newCount);
    if (line.kind !== 'insert') oldCount += 1;
    if (line.kind !== 'delete') newCount += 1;
  }
  const output: string[] = [];
  for (const [firstChange, lastChange] of groups) {
    const start = Math.max(0, firstChange - context);
    const end = Math.min(lines.length, lastChange + context + 1);
    const hunk = lines.slice(start, end);
    const oldLength = hunk.filter((line) => line.kind !== 'insert').length;
    const newLength = hunk.filter((line) => line.kind !== 'delete').length;
    output.push(`@@ -${range(oldBefore[start]!, oldLength)} +${range(newBefore[start]!, newLength)} @@`);
    for (const line of hunk) output.push(printLine(line.kind === 'equal' ? ' ' : line.kind === 'delete' ? '-' : '+', line.line));
  }
  return { text: output.join('\n'), hunks: groups.length };
}

import type { ActiveRun, RunEvent } from './active-run.js';

/** Follows a run this process executes, straight from its in-memory log: no gap, no database read. */
export async function* followLocalRun(run: ActiveRun, afterSeq: number, signal: AbortSignal): AsyncGenerator<RunEvent> {
  // Event n sits at index n - 1, so the first one to send sits at index afterSeq.
  let index = Math.max(0, afterSeq);
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  for (;;) {
    while (index < run.events.length && !signal.aborted) yield run.events[index++]!;
    if (run.ended || signal.aborted) return;
    await Promise.race([run.changed(), aborted]);
  }
}

import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs a generator of small steps to its end in slices of about `sliceMs`, giving the event loop
 * back between slices, so a long computation (building an index) runs in the background of a
 * server without a worker thread and without holding up requests for more than a slice. Stops
 * with the signal's reason when `signal` is aborted between two slices.
 */
export async function runInSlices<T>(steps: Generator<void, T, void>, options: { sliceMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 10;
  for (;;) {
    options.signal?.throwIfAborted();
    const deadline = performance.now() + sliceMs;
    let step = steps.next();
    while (!step.done && performance.now() < deadline) step = steps.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}

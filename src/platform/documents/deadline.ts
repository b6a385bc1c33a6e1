import { DocumentError } from './documents.errors.js';

function timeoutError(timeoutMs: number, fileName?: string): DocumentError {
  return new DocumentError({
    reason: 'timeout',
    message: `Reading ${fileName === undefined ? 'the document' : `"${fileName}"`} took longer than ${timeoutMs} ms`,
    fileName,
  });
}

/**
 * Runs `extract` until it settles, the time limit passes or the signal fires, whichever is first.
 * Libraries cannot be interrupted mid-call, so the race frees the caller and `checkpoint` stops
 * extractors that loop (PDF pages) at their next step.
 */
export async function withDeadline<T>(
  extract: (checkpoint: () => void) => Promise<T>,
  options: { timeoutMs: number; signal?: AbortSignal; fileName?: string },
): Promise<T> {
  const { timeoutMs, signal, fileName } = options;
  signal?.throwIfAborted();
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(timeoutError(timeoutMs, fileName));
    }, timeoutMs);
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const checkpoint = (): void => {
    signal?.throwIfAborted();
    if (expired) throw timeoutError(timeoutMs, fileName);
  };
  const running = extract(checkpoint);
  // After a timeout nobody awaits the extraction any more; its late failure must not go unhandled.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

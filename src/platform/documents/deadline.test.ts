import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { withDeadline } from './deadline.js';
import { isDocumentError } from './documents.errors.js';

describe('withDeadline', () => {
  it('returns what the extraction returns', async () => {
    expect(await withDeadline(async () => 'text', { timeoutMs: 1000 })).toBe('text');
  });

  it('gives up on an extraction that never settles with a timeout error', async () => {
    const error = await rejectionOf(withDeadline(() => new Promise<never>(() => {}), { timeoutMs: 20, fileName: 'slow.pdf' }));
    expect(isDocumentError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toContain('"slow.pdf"');
  });

  it('makes checkpoint throw once the time is up, and a late failure stays handled', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let checkpointError: unknown;
    const result = withDeadline(
      async (checkpoint) => {
        await gate;
        try {
          checkpoint();
        } catch (error) {
          checkpointError = error;
          throw error;
        }
      },
      { timeoutMs: 10 },
    );
    expect(isDocumentError(await rejectionOf(result), 'timeout')).toBe(true);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(isDocumentError(checkpointError, 'timeout')).toBe(true);
  });

  it('stops at once when the signal fires, with the signal reason', async () => {
    const controller = new AbortController();
    const result = withDeadline(() => new Promise<never>(() => {}), { timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error('caller left'));
    expect(((await rejectionOf(result)) as Error).message).toBe('caller left');
    const aborted = AbortSignal.abort(new Error('already gone'));
    let started = false;
    const refused = withDeadline(
      async () => {
        started = true;
      },
      { timeoutMs: 1000, signal: aborted },
    );
    expect(((await rejectionOf(refused)) as Error).message).toBe('already gone');
    expect(started).toBe(false);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { delayNode } from './delay.node.js';
import { nodeContext, runOneNode } from './logic.test-helpers.js';

// Every graph test runs:  start -> subject (delay) -> end { result: {{subject.output}} }

describe('delay node', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finishes only once its time has passed', async () => {
    vi.useFakeTimers();
    let finished = false;
    const running = runOneNode({ nodeType: delayNode, config: { ms: 60_000 } }).finally(() => {
      finished = true;
    });

    await vi.advanceTimersByTimeAsync(59_999);
    const finishedEarly = finished;
    await vi.advanceTimersByTimeAsync(1);
    const { result, step } = await running;

    expect(finishedEarly).toBe(false);
    expect(step.output).toEqual({ waited_ms: 60_000 });
    expect(result.output).toEqual({ result: { waited_ms: 60_000 } });
  });

  it('passes at once with ms 0', async () => {
    const { step } = await runOneNode({ nodeType: delayNode, config: { ms: 0 } });

    expect(step).toMatchObject({ status: 'succeeded', output: { waited_ms: 0 } });
  });

  it('stops waiting at once on cancel, with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const running = delayNode.run(nodeContext({ ms: 86_400_000 }, { signal: controller.signal }));

    controller.abort(reason);

    await expect(running).rejects.toBe(reason);
  });

  it('ends a cancelled execution as cancelled, the step as RUN_CANCELLED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 10);

    const { result, step } = await runOneNode({ nodeType: delayNode, config: { ms: 86_400_000 }, signal: controller.signal });

    expect(result.status).toBe('cancelled');
    expect(step).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });

  it('gives up at the node deadline with NODE_TIMEOUT', async () => {
    const { step } = await runOneNode({ nodeType: delayNode, config: { ms: 60_000 }, errorPolicy: { timeout_ms: 20, retries: 0, backoff_ms: 0, on_error: 'fail', default_output: {} } });

    expect(step.error?.code).toBe('NODE_TIMEOUT');
  });

  it.each([
    ['a negative time', { ms: -1 }],
    ['a fraction', { ms: 1.5 }],
    ['more than a day', { ms: 86_400_001 }],
    ['text', { ms: '1000' }],
  ])('fails with NODE_CONFIG_INVALID on %s', async (_, config) => {
    const { step } = await runOneNode({ nodeType: delayNode, config });

    expect(step.error?.code).toBe('NODE_CONFIG_INVALID');
  });
});

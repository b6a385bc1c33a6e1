import { beforeEach, describe, expect, it } from 'vitest';
import { runWorkflow, type RunWorkflowOptions } from './executor.js';
import { calls, graph, testRegistry, unusedServices } from './executor.test-helpers.js';
import type { ExecutionCheckpoint, StepRecord } from './step-record.js';

const registry = testRegistry();

/**
 * A checkpoint whose storage is held back until the test releases it: `recorded` lists every step
 * with its urgency, `stored` the node ids the "database" has, and what the executor had called
 * when each flush began.
 */
function heldCheckpoint() {
  const recorded: Array<{ nodeId: string; urgent: boolean }> = [];
  const stored: string[] = [];
  const pending: StepRecord[] = [];
  const flushes: Array<{ calledBefore: string[]; storedBefore: string[] }> = [];
  let release: () => void = () => undefined;
  let released = new Promise<void>((resolve) => (release = resolve));
  let failWith: Error | null = null;
  const checkpoint: ExecutionCheckpoint = {
    completed: new Map(),
    record(step, { urgent }) {
      recorded.push({ nodeId: step.nodeId, urgent });
      pending.push(step);
    },
    async flush() {
      flushes.push({ calledBefore: [...calls], storedBefore: [...stored] });
      await released;
      if (failWith) throw failWith;
      stored.push(...pending.splice(0).map((step) => step.nodeId));
    },
  };
  return {
    checkpoint,
    recorded,
    stored,
    flushes,
    release: () => release(),
    hold: () => (released = new Promise<void>((resolve) => (release = resolve))),
    fail: (error: Error) => (failWith = error),
  };
}

function run(options: Partial<RunWorkflowOptions> & Pick<RunWorkflowOptions, 'graph'>) {
  return runWorkflow({ input: {}, registry, services: unusedServices, signal: new AbortController().signal, ...options });
}

beforeEach(() => {
  calls.length = 0;
});

describe('runWorkflow and the checkpoint', () => {
  //   start -> a (pure) -> b (pure) -> effect (echo) -> end
  it('runs pure nodes without waiting for their steps, and starts a node with effects only once every earlier step is stored', async () => {
    const held = heldCheckpoint();
    const line = graph([['start', 'start'], ['a', 'note'], ['b', 'note'], ['effect', 'echo'], ['end', 'end']], ['start->a', 'a->b', 'b->effect', 'effect->end']);

    const running = run({ graph: line, checkpoint: held.checkpoint });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const beforeRelease = { calls: [...calls], stored: [...held.stored] };
    held.release();
    const result = await running;

    // The pure nodes ran although nothing was stored; the node with effects waited for the flush.
    expect(beforeRelease).toEqual({ calls: ['a', 'b'], stored: [] });
    expect(held.flushes[0]).toEqual({ calledBefore: ['a', 'b'], storedBefore: [] });
    expect(calls).toEqual(['a', 'b', 'effect']);
    expect(held.stored).toEqual(['start', 'a', 'b']);
    expect(result.status).toBe('succeeded');
    // Only the node with effects asks for its step to be stored at once.
    expect(held.recorded).toEqual([
      { nodeId: 'start', urgent: false },
      { nodeId: 'a', urgent: false },
      { nodeId: 'b', urgent: false },
      { nodeId: 'effect', urgent: true },
      { nodeId: 'end', urgent: false },
    ]);
  });

  //   start -> pick -(yes)-> shown -> end
  //                 \-(no)--> hidden -/
  it('records skipped steps and waiting steps: a waiting one urgently', async () => {
    const held = heldCheckpoint();
    held.release();
    const approval = graph([['start', 'start'], ['pick', 'wait'], ['shown', 'note'], ['hidden', 'note'], ['end', 'end']], ['start->pick', 'pick-(yes)->shown', 'pick-(no)->hidden', 'shown->end', 'hidden->end']);

    const waiting = await run({ graph: approval, checkpoint: held.checkpoint });
    const resumedCheckpoint = heldCheckpoint();
    resumedCheckpoint.release();
    const completed = new Map([['start', { ...stepOf('start') }]]);
    const resumed = await run({ graph: approval, checkpoint: { ...resumedCheckpoint.checkpoint, completed }, resumeData: { nodeId: 'pick', data: { answer: 'yes' } } });

    expect(waiting.status).toBe('waiting');
    expect(held.recorded).toEqual([
      { nodeId: 'start', urgent: false },
      { nodeId: 'pick', urgent: true },
    ]);
    expect(resumed.status).toBe('succeeded');
    // The skipped branch is recorded as soon as the decision resolves it, before "shown" ends.
    expect(resumedCheckpoint.recorded).toEqual([
      { nodeId: 'pick', urgent: true },
      { nodeId: 'hidden', urgent: false },
      { nodeId: 'shown', urgent: false },
      { nodeId: 'end', urgent: false },
    ]);
  });

  //   start -> a (pure) -> effect (echo) -> end
  it('fails when earlier steps cannot be stored, and never starts the node with effects', async () => {
    const held = heldCheckpoint();
    held.fail(new Error('database gone'));
    held.release();
    const line = graph([['start', 'start'], ['a', 'note'], ['effect', 'echo'], ['end', 'end']], ['start->a', 'a->effect', 'effect->end']);

    await expect(run({ graph: line, checkpoint: held.checkpoint })).rejects.toThrow('database gone');

    expect(calls).toEqual(['a']);
  });

  //   start -> a (pure) -> effect (echo) -> end
  it('does not start a node with effects when a pause comes while earlier steps are being stored', async () => {
    const held = heldCheckpoint();
    const pause = new AbortController();
    const line = graph([['start', 'start'], ['a', 'note'], ['effect', 'echo'], ['end', 'end']], ['start->a', 'a->effect', 'effect->end']);

    const running = run({ graph: line, checkpoint: held.checkpoint, pauseSignal: pause.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    pause.abort();
    held.release();
    const result = await running;

    expect(result.status).toBe('paused');
    expect(calls).toEqual(['a']);
    expect(held.stored).toEqual(['start', 'a']);
  });
});

function stepOf(nodeId: string): StepRecord {
  const at = new Date();
  return { nodeId, nodeType: 'start', status: 'succeeded', input: {}, output: {}, branch: null, error: null, attempts: 1, startedAt: at, finishedAt: at, usage: null };
}

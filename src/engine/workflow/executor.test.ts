import { beforeEach, describe, expect, it } from 'vitest';
import { runWorkflow, type RunWorkflowOptions, type WorkflowEvent } from './executor.js';
import { calls, graph, testRegistry, unusedServices } from './executor.test-helpers.js';
import { memoryCheckpoint, type StepRecord } from './step-record.js';

const registry = testRegistry();

function run(options: Partial<RunWorkflowOptions> & Pick<RunWorkflowOptions, 'graph'>) {
  return runWorkflow({ input: {}, registry, services: unusedServices, signal: new AbortController().signal, ...options });
}

beforeEach(() => {
  calls.length = 0;
});

describe('runWorkflow', () => {
  //   start -> greet -> end
  it('runs a line, resolving variables from the input, earlier outputs and env', async () => {
    const line = graph(
      [
        ['start', 'start', { inputs: [{ name: 'name', required: true }, { name: 'greeting', default: 'Hello' }] }],
        ['greet', 'echo', { value: '{{start.input.greeting}}, {{start.input.name}} from {{env.TEAM}}' }],
        ['end', 'end', { outputs: { message: '{{greet.output.value}}', raw: '{{start.input}}' } }],
      ],
      ['start->greet', 'greet->end'],
    );

    const result = await run({ graph: line, input: { name: 'Ada' }, env: { TEAM: 'ops' } });

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ message: 'Hello, Ada from ops', raw: { name: 'Ada', greeting: 'Hello' } });
  });

  it('fails on input that breaks the start schema', async () => {
    const line = graph([['start', 'start', { inputs: [{ name: 'n', type: 'number', required: true }] }], ['end', 'end']], ['start->end']);

    const result = await run({ graph: line, input: { n: 'seven' } });

    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'WORKFLOW_INPUT_INVALID', nodeId: 'start' });
  });

  //   start -> pick -(a)-> left  --\
  //                 \-(b)-> right --> join -> end
  it('takes only the chosen branch, skips the other, and still runs the join', async () => {
    const branching = graph(
      [['start', 'start'], ['pick', 'echo', { branch: 'b' }], ['left', 'echo', { value: 'L' }], ['right', 'echo', { value: 'R' }], ['join', 'echo', { value: '{{left.output.value}}{{right.output.value}}' }], ['end', 'end', { outputs: { joined: '{{join.output.value}}' } }]],
      ['start->pick', 'pick-(a)->left', 'pick-(b)->right', 'left->join', 'right->join', 'join->end'],
    );
    const checkpoint = memoryCheckpoint();

    const result = await run({ graph: branching, checkpoint });

    expect(result.output).toEqual({ joined: 'R' });
    expect(calls).toEqual(['pick', 'right', 'join']);
    expect(checkpoint.steps.find((step) => step.nodeId === 'left')?.status).toBe('skipped');
  });

  //   start -> slow_a --\
  //        \-> slow_b --> join -> end
  it('runs parallel branches at once and joins when both are done', async () => {
    const parallel = graph(
      [['start', 'start'], ['slow_a', 'echo', { value: 1, delay_ms: 40 }], ['slow_b', 'echo', { value: 2, delay_ms: 40 }], ['join', 'echo', { value: '{{slow_a.output.value}}+{{slow_b.output.value}}' }], ['end', 'end', { outputs: { sum: '{{join.output.value}}' } }]],
      ['start->slow_a', 'start->slow_b', 'slow_a->join', 'slow_b->join', 'join->end'],
    );
    const events: WorkflowEvent[] = [];

    const result = await run({ graph: parallel, emit: (event) => events.push(event) });

    expect(result.output).toEqual({ sum: '1+2' });
    const order = events.map((event) => `${event.type}:${event.type === 'node-finish' ? event.step.nodeId : 'nodeId' in event ? event.nodeId : ''}`);
    expect(order.indexOf('node-start:slow_b')).toBeLessThan(order.indexOf('node-finish:slow_a'));
    expect(order.indexOf('node-start:join')).toBeGreaterThan(order.indexOf('node-finish:slow_b'));
  });

  describe('error policy', () => {
    it('retries with backoff until the node succeeds', async () => {
      const flaky = graph([['start', 'start'], ['try', 'flaky', { failures: 2 }, { retries: 2, backoff_ms: 1, on_error: 'fail', default_output: {} }], ['end', 'end', { outputs: { attempt: '{{try.output.attempt}}' } }]], ['start->try', 'try->end']);
      const checkpoint = memoryCheckpoint();

      const result = await run({ graph: flaky, checkpoint });

      expect(result.output).toEqual({ attempt: 3 });
      expect(checkpoint.steps.find((step) => step.nodeId === 'try')?.attempts).toBe(3);
    });

    it('fails the run when retries run out (on_error: fail)', async () => {
      const flaky = graph([['start', 'start'], ['try', 'flaky', { failures: 5 }, { retries: 1, backoff_ms: 1, on_error: 'fail', default_output: {} }], ['end', 'end']], ['start->try', 'try->end']);

      const result = await run({ graph: flaky });

      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ code: 'FLAKY', message: 'attempt 2 failed', nodeId: 'try' });
      expect(calls).toEqual(['try', 'try']);
    });

    it('continues with the default output (on_error: continue)', async () => {
      const flaky = graph([['start', 'start'], ['try', 'flaky', { failures: 5 }, { retries: 0, backoff_ms: 1, on_error: 'continue', default_output: { attempt: 'none' } }], ['end', 'end', { outputs: { attempt: '{{try.output.attempt}}' } }]], ['start->try', 'try->end']);

      const result = await run({ graph: flaky });

      expect(result).toMatchObject({ status: 'succeeded', output: { attempt: 'none' } });
    });

    //   start -> try --------> ok_end
    //              \-(error)-> recover -> err_end
    it('takes the error branch (on_error: branch) with the error as output', async () => {
      const flaky = graph(
        [['start', 'start'], ['try', 'flaky', { failures: 5 }, { retries: 0, backoff_ms: 1, on_error: 'branch', default_output: {} }], ['ok_end', 'end', { outputs: { path: 'ok' } }], ['recover', 'echo', { value: '{{try.output.error.code}}' }], ['err_end', 'end', { outputs: { path: 'error', code: '{{recover.output.value}}' } }]],
        ['start->try', 'try->ok_end', 'try-(error)->recover', 'recover->err_end'],
      );

      const result = await run({ graph: flaky });

      expect(result).toMatchObject({ status: 'succeeded', output: { path: 'error', code: 'FLAKY' } });
    });

    it('times a slow attempt out', async () => {
      const slow = graph([['start', 'start'], ['slow', 'echo', { delay_ms: 1000 }, { timeout_ms: 20, retries: 0, backoff_ms: 1, on_error: 'fail', default_output: {} }], ['end', 'end']], ['start->slow', 'slow->end']);

      const result = await run({ graph: slow });

      expect(result.error).toMatchObject({ code: 'NODE_TIMEOUT', nodeId: 'slow' });
    });
  });

  it('cancels: running nodes are aborted and nothing after them starts', async () => {
    const controller = new AbortController();
    const slow = graph([['start', 'start'], ['slow', 'echo', { delay_ms: 5000 }], ['after', 'echo'], ['end', 'end']], ['start->slow', 'slow->after', 'after->end']);
    setTimeout(() => controller.abort(new Error('stop')), 20);

    const result = await run({ graph: slow, signal: controller.signal });

    expect(result.status).toBe('cancelled');
    expect(calls).toEqual(['slow']);
  });

  //   start -> first -> second -> end
  it('pauses after the running node, then resumes from the checkpoint without re-running it', async () => {
    const pause = new AbortController();
    const line = graph([['start', 'start'], ['first', 'echo', { value: 1, delay_ms: 30 }], ['second', 'echo', { value: '{{first.output.value}}' }], ['end', 'end', { outputs: { value: '{{second.output.value}}' } }]], ['start->first', 'first->second', 'second->end']);
    const checkpoint = memoryCheckpoint();
    setTimeout(() => pause.abort(), 5);

    const paused = await run({ graph: line, checkpoint, pauseSignal: pause.signal });
    const completed = new Map(checkpoint.steps.map((step) => [step.nodeId, step] as [string, StepRecord]));
    const resumed = await run({ graph: line, checkpoint: memoryCheckpoint(completed) });

    expect(paused.status).toBe('paused');
    expect(resumed).toMatchObject({ status: 'succeeded', output: { value: 1 } });
    expect(calls).toEqual(['first', 'second']);
  });

  //   start -> ask -(yes)-> yes_end
  //               \-(no)-> no_end
  it('waits for a decision, then resumes down the chosen branch', async () => {
    const approval = graph([['start', 'start'], ['ask', 'wait'], ['yes_end', 'end', { outputs: { approved: true } }], ['no_end', 'end', { outputs: { approved: false } }]], ['start->ask', 'ask-(yes)->yes_end', 'ask-(no)->no_end']);
    const checkpoint = memoryCheckpoint();

    const waiting = await run({ graph: approval, checkpoint });
    const completed = new Map(checkpoint.steps.map((step) => [step.nodeId, step] as [string, StepRecord]));
    const resumed = await run({ graph: approval, checkpoint: memoryCheckpoint(completed), resumeData: { nodeId: 'ask', data: { answer: 'no' } } });

    expect(waiting).toMatchObject({ status: 'waiting', waiting: { nodeId: 'ask', request: { question: 'ok?' } } });
    expect(resumed).toMatchObject({ status: 'succeeded', output: { approved: false } });
  });
});

import { describe, expect, it } from 'vitest';
import { codeNode } from './code.node.js';
import { fakeServices, hangsUntilAborted, runOneNode } from './logic.test-helpers.js';

// Every test runs:  start -> subject (code) -> end { result: {{subject.output}} }

describe('code node', () => {
  it('sends the code and the resolved inputs to the sandbox and spreads an object result', async () => {
    const services = fakeServices({ runCode: async () => ({ result: { total: 42, items: [1] }, logs: ['summed'] }) });
    const config = {
      language: 'python',
      code: 'result = {"total": sum(input["numbers"])}',
      inputs: { numbers: '{{start.output.numbers}}', label: 'n={{start.output.count}}', absent: '{{start.output.nothing}}' },
    };

    const { result, step } = await runOneNode({ nodeType: codeNode, config, input: { numbers: [40, 2], count: 2 }, services });

    expect(services.calls).toHaveLength(1);
    expect(services.calls[0]).toMatchObject({
      method: 'runCode',
      options: { language: 'python', code: config.code, input: { numbers: [40, 2], label: 'n=2', absent: null }, timeoutMs: 10_000 },
    });
    expect(services.calls[0]!.options['signal']).toBeInstanceOf(AbortSignal);
    const expected = { total: 42, items: [1], result: { total: 42, items: [1] }, logs: ['summed'] };
    expect(step.output).toEqual(expected);
    expect(result.output).toEqual({ result: expected });
  });

  it('passes its own time limit', async () => {
    const services = fakeServices({ runCode: async () => ({ result: null, logs: [] }) });

    await runOneNode({ nodeType: codeNode, config: { language: 'javascript', code: 'return 1', timeout_ms: 500 }, services });

    expect(services.calls[0]?.options).toMatchObject({ timeoutMs: 500, input: {} });
  });

  it('does not spread a list or a plain value, and keeps result and logs their own', async () => {
    const run = (result: unknown) =>
      runOneNode({
        nodeType: codeNode,
        config: { language: 'javascript', code: 'return input' },
        services: fakeServices({ runCode: async () => ({ result, logs: ['line'] }) }),
      });

    const list = await run([1, 2]);
    const plain = await run('text');
    const nothing = await run(undefined);
    const clash = await run({ result: 'mine', logs: 'mine', other: 1 });

    expect(list.step.output).toEqual({ result: [1, 2], logs: ['line'] });
    expect(plain.step.output).toEqual({ result: 'text', logs: ['line'] });
    expect(nothing.step.output).toEqual({ result: null, logs: ['line'] });
    expect(clash.step.output).toEqual({ other: 1, result: { result: 'mine', logs: 'mine', other: 1 }, logs: ['line'] });
  });

  it('fails the step with the sandbox error and its code', async () => {
    const sandboxError = Object.assign(new Error('ZeroDivisionError: division by zero'), { code: 'SANDBOX_RUNTIME_ERROR' });
    const services = fakeServices({ runCode: async () => Promise.reject(sandboxError) });

    const { result, step } = await runOneNode({ nodeType: codeNode, config: { language: 'python', code: '1/0' }, services });

    expect(result.status).toBe('failed');
    expect(step.error).toEqual({ code: 'SANDBOX_RUNTIME_ERROR', message: 'ZeroDivisionError: division by zero' });
  });

  it('aborts the sandbox run on cancel', async () => {
    const controller = new AbortController();
    const services = fakeServices({ runCode: hangsUntilAborted(controller) });

    const { result, step } = await runOneNode({ nodeType: codeNode, config: { language: 'javascript', code: 'for (;;) {}' }, services, signal: controller.signal });

    expect(result.status).toBe('cancelled');
    expect(step).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });

  it.each([
    ['an unknown language', { language: 'ruby', code: 'puts 1' }],
    ['empty code', { language: 'python', code: '' }],
    ['code over 100000 characters', { language: 'python', code: 'x'.repeat(100_001) }],
    ['a time limit over two minutes', { language: 'python', code: 'pass', timeout_ms: 120_001 }],
    ['inputs that are a list', { language: 'python', code: 'pass', inputs: [1] }],
  ])('fails with NODE_CONFIG_INVALID on %s, without calling the sandbox', async (_, config) => {
    const services = fakeServices();

    const { step } = await runOneNode({ nodeType: codeNode, config, services });

    expect(step.error?.code).toBe('NODE_CONFIG_INVALID');
    expect(services.calls).toEqual([]);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { codedError, fakeServices, runSingleNode, untilAborted } from './model.test-helpers.js';
import { toolNode } from './tool.node.js';

// Every test: start -> subject (tool) -> end
describe('tool node', () => {
  it('calls the tool with resolved arguments, a whole reference keeping its type, and outputs the result', async () => {
    const fake = fakeServices({ callTool: [{ sum: 6 }] });

    const run = await runSingleNode({
      nodeType: toolNode,
      config: { tool: 'calculator', arguments: { numbers: '{{start.input.numbers}}', label: 'total of {{start.input.name}}' } },
      services: fake.services,
      input: { numbers: [1, 2, 3], name: 'cart' },
    });

    expect(fake.calls.callTool).toEqual([
      { name: 'calculator', arguments: { numbers: [1, 2, 3], label: 'total of cart' }, signal: expect.any(AbortSignal) },
    ]);
    expect(run.step('subject').output).toEqual({ result: { sum: 6 } });
    expect(run.result.output).toEqual({ subject: { result: { sum: 6 } } });
  });

  it('sends empty arguments when none are configured and outputs null for a tool that returns nothing', async () => {
    const fake = fakeServices({ callTool: [async () => undefined] });

    const run = await runSingleNode({ nodeType: toolNode, config: { tool: 'current_time' }, services: fake.services });

    expect(fake.calls.callTool[0]!.arguments).toEqual({});
    expect(run.step('subject').output).toEqual({ result: null });
  });

  it.each([
    ['a missing tool name', { arguments: {} }],
    ['an empty tool name', { tool: '' }],
    ['arguments that are not an object', { tool: 'calculator', arguments: [1, 2] }],
    ['an unknown field', { tool: 'calculator', args: {} }],
  ])('fails with NODE_CONFIG_INVALID for %s', async (_case, config) => {
    const fake = fakeServices();

    const run = await runSingleNode({ nodeType: toolNode, config, services: fake.services });

    expect(run.step('subject').error?.code).toBe('NODE_CONFIG_INVALID');
    expect(fake.calls.callTool).toHaveLength(0);
  });

  it('fails the step when the tool fails, keeping its code', async () => {
    const fake = fakeServices({ callTool: [codedError('TOOL_NOT_FOUND', 'no tool named "calculater"')] });

    const run = await runSingleNode({ nodeType: toolNode, config: { tool: 'calculater' }, services: fake.services });

    expect(run.result.status).toBe('failed');
    expect(run.step('subject').error).toEqual({ code: 'TOOL_NOT_FOUND', message: 'no tool named "calculater"' });
  });

  it('continues with the default output under on_error: continue', async () => {
    const fake = fakeServices({ callTool: [new Error('boom')] });

    const run = await runSingleNode({
      nodeType: toolNode,
      config: { tool: 'flaky' },
      errorPolicy: { retries: 0, backoff_ms: 0, on_error: 'continue', default_output: { result: 'fallback' } },
      services: fake.services,
    });

    expect(run.result.status).toBe('succeeded');
    expect(run.step('subject')).toMatchObject({ output: { result: 'fallback' }, error: { code: 'NODE_FAILED', message: 'boom' } });
    expect(run.result.output).toEqual({ subject: { result: 'fallback' } });
  });

  it('aborts the tool call when the execution is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeServices({ callTool: [untilAborted] });

    const running = runSingleNode({ nodeType: toolNode, config: { tool: 'slow' }, services: fake.services, signal: controller.signal });
    await vi.waitFor(() => expect(fake.calls.callTool).toHaveLength(1));
    controller.abort();
    const run = await running;

    expect(fake.calls.callTool[0]!.signal.aborted).toBe(true);
    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });
});

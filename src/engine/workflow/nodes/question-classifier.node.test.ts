import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { codedError, fakeServices, runGraph, runSingleNode, untilAborted } from './model.test-helpers.js';
import { questionClassifierNode } from './question-classifier.node.js';

const classes = [
  { id: 'billing', name: 'Billing', description: 'Invoices, refunds and payments' },
  { id: 'support', name: 'Technical support' },
];

/**
 *          start
 *            |
 *         classify
 *   billing /    \ support
 *   to_billing  to_support
 *           \    /
 *            end
 */
function routingGraph(config: Record<string, unknown>) {
  return {
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'classify', type: 'question_classifier', config },
      { id: 'to_billing', type: 'echo', config: { team: 'billing' } },
      { id: 'to_support', type: 'echo', config: { team: 'support' } },
      { id: 'end', type: 'end', config: { team: '{{to_billing.output.team}}{{to_support.output.team}}' } },
    ],
    edges: [
      { source: 'start', target: 'classify' },
      { source: 'classify', target: 'to_billing', source_handle: 'billing' },
      { source: 'classify', target: 'to_support', source_handle: 'support' },
      { source: 'to_billing', target: 'end' },
      { source: 'to_support', target: 'end' },
    ],
  };
}

describe('question_classifier node', () => {
  it('branches on its class ids', () => {
    const config = questionClassifierNode.configSchema.parse({ query: 'q', classes });

    expect(questionClassifierNode.branches!(config)).toEqual(['billing', 'support']);
  });

  it("takes the chosen class's branch and skips the others", async () => {
    const fake = fakeServices({ generate: [{ object: { class_id: 'support', reason: 'The app crashes.' } }] });

    const run = await runGraph({
      ...routingGraph({ query: '{{start.input.message}}', classes }),
      nodeTypes: [questionClassifierNode],
      services: fake.services,
      input: { message: 'The app crashes when I log in' },
    });

    expect(run.result.status).toBe('succeeded');
    expect(run.step('classify')).toMatchObject({
      branch: 'support',
      output: { class_id: 'support', class_name: 'Technical support', reason: 'The app crashes.' },
    });
    expect(run.step('to_billing').status).toBe('skipped');
    expect(run.result.output).toEqual({ team: 'support' });
  });

  it('asks the model with the query as prompt, the classes and instructions in the system prompt, and an enum schema', async () => {
    const modelConfigId = randomUUID();
    const fake = fakeServices({ generate: [{ object: { class_id: 'billing', reason: 'refund' } }] });

    await runSingleNode({
      nodeType: questionClassifierNode,
      config: { model_config_id: modelConfigId, query: 'I want a refund', classes, instructions: 'Prefer billing when unsure.' },
      services: fake.services,
    });

    const call = fake.calls.generate[0]!;
    expect(call.modelConfigId).toBe(modelConfigId);
    expect(call.prompt).toBe('I want a refund');
    expect(call.system).toContain('id: billing');
    expect(call.system).toContain('description: Invoices, refunds and payments');
    expect(call.system).toContain('name: Technical support');
    expect(call.system).toContain('Prefer billing when unsure.');
    expect(call.schema).toMatchObject({
      type: 'object',
      properties: { class_id: { type: 'string', enum: ['billing', 'support'] } },
      required: ['class_id', 'reason'],
    });
  });

  it('reads a JSON text answer and defaults a missing reason to ""', async () => {
    const fake = fakeServices({ generate: [{ text: '{"class_id":"billing"}' }] });

    const run = await runSingleNode({ nodeType: questionClassifierNode, config: { query: 'refund', classes }, services: fake.services });

    expect(run.step('subject')).toMatchObject({ branch: 'billing', output: { class_id: 'billing', class_name: 'Billing', reason: '' } });
    expect(run.step('subject').usage).not.toBeNull();
  });

  it.each([
    ['an id outside the classes', { object: { class_id: 'sales', reason: 'x' } }, '"sales"'],
    ['a class name instead of an id', { object: { class_id: 'Billing', reason: 'x' } }, '"Billing"'],
    ['text that is not JSON', { text: 'It is about billing.' }, 'It is about billing.'],
  ])('fails with CLASSIFIER_INVALID_ANSWER for %s', async (_case, answer, shown) => {
    const fake = fakeServices({ generate: [answer] });

    const run = await runSingleNode({ nodeType: questionClassifierNode, config: { query: 'q', classes }, services: fake.services });

    expect(run.result.status).toBe('failed');
    expect(run.step('subject').error).toMatchObject({ code: 'CLASSIFIER_INVALID_ANSWER', message: expect.stringContaining(shown) });
  });

  it.each([
    ['one class', { query: 'q', classes: [classes[0]] }],
    ['21 classes', { query: 'q', classes: Array.from({ length: 21 }, (_, index) => ({ id: `c${index}`, name: `C${index}` })) }],
    ['duplicate ids', { query: 'q', classes: [classes[0], { ...classes[1], id: 'billing' }] }],
    ['the reserved id "error"', { query: 'q', classes: [classes[0], { id: 'error', name: 'Errors' }] }],
    ['an id with a space', { query: 'q', classes: [classes[0], { id: 'tech support', name: 'Support' }] }],
    ['an empty query', { query: '', classes }],
  ])('fails with NODE_CONFIG_INVALID for %s', async (_case, config) => {
    const fake = fakeServices();

    const run = await runSingleNode({ nodeType: questionClassifierNode, config, services: fake.services });

    expect(run.step('subject').error?.code).toBe('NODE_CONFIG_INVALID');
    expect(fake.calls.generate).toHaveLength(0);
  });

  it('fails the step when the model call fails', async () => {
    const fake = fakeServices({ generate: [codedError('LLM_UNAVAILABLE')] });

    const run = await runSingleNode({ nodeType: questionClassifierNode, config: { query: 'q', classes }, services: fake.services });

    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'LLM_UNAVAILABLE' } });
  });

  it('takes the "error" branch under on_error: branch when the answer is invalid', async () => {
    //  start -> classify --error--> fallback -> end   (the class branches lead nowhere)
    const fake = fakeServices({ generate: [{ object: { class_id: 'sales' } }] });

    const run = await runGraph({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'classify', type: 'question_classifier', config: { query: 'q', classes }, error_policy: { retries: 0, backoff_ms: 0, on_error: 'branch', default_output: {} } },
        { id: 'fallback', type: 'echo', config: { routed: 'fallback' } },
        { id: 'end', type: 'end', config: { routed: '{{fallback.output.routed}}' } },
      ],
      edges: [
        { source: 'start', target: 'classify' },
        { source: 'classify', target: 'fallback', source_handle: 'error' },
        { source: 'fallback', target: 'end' },
      ],
      nodeTypes: [questionClassifierNode],
      services: fake.services,
    });

    expect(run.step('classify')).toMatchObject({ branch: 'error', error: { code: 'CLASSIFIER_INVALID_ANSWER' } });
    expect(run.result.output).toEqual({ routed: 'fallback' });
  });

  it('aborts the model call when the execution is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeServices({ generate: [untilAborted] });

    const running = runSingleNode({ nodeType: questionClassifierNode, config: { query: 'q', classes }, services: fake.services, signal: controller.signal });
    await vi.waitFor(() => expect(fake.calls.generate).toHaveLength(1));
    controller.abort();
    const run = await running;

    expect(fake.calls.generate[0]!.signal.aborted).toBe(true);
    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });
});

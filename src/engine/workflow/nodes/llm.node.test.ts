import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { tokenUsage } from '../../../platform/llm/llm-call.js';
import { agentNode } from './agent.node.js';
import { knowledgeRetrievalNode } from './knowledge-retrieval.node.js';
import { llmNode, structuredAnswer } from './llm.node.js';
import { codedError, fakeServices, runSingleNode, untilAborted } from './model.test-helpers.js';
import { parameterExtractorNode } from './parameter-extractor.node.js';
import { questionClassifierNode } from './question-classifier.node.js';
import { toolNode } from './tool.node.js';

const personSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

// Every test: start -> subject (llm) -> end
describe('llm node', () => {
  it('sends the resolved prompt, system, temperature and model config, and outputs text, model and usage', async () => {
    const modelConfigId = randomUUID();
    const fake = fakeServices({ generate: [{ text: 'Paris', model: 'gpt-test', usage: tokenUsage(12, 3) }] });

    const run = await runSingleNode({
      nodeType: llmNode,
      config: { model_config_id: modelConfigId, system: 'Answer in one word.', prompt: 'Capital of {{start.input.country}}?', temperature: 0.2 },
      services: fake.services,
      input: { country: 'France' },
    });

    expect(run.result.status).toBe('succeeded');
    expect(fake.calls.generate).toHaveLength(1);
    expect(fake.calls.generate[0]).toMatchObject({
      modelConfigId,
      system: 'Answer in one word.',
      prompt: 'Capital of France?',
      temperature: 0.2,
      schema: undefined,
      onToken: undefined,
    });
    expect(run.step('subject').output).toEqual({ text: 'Paris', model: 'gpt-test' });
    expect(run.step('subject').usage).toEqual(tokenUsage(12, 3));
    expect(run.result.usage).toEqual(tokenUsage(12, 3));
    expect(run.result.output).toEqual({ subject: { text: 'Paris', model: 'gpt-test' } });
  });

  it('streams tokens as "token" progress events, in order, when stream is on', async () => {
    const fake = fakeServices({ generate: [{ tokens: ['Hel', 'lo', '!'] }] });

    const run = await runSingleNode({ nodeType: llmNode, config: { prompt: 'Greet', stream: true }, services: fake.services });

    const tokens = run.events.filter((event) => event.type === 'node-progress');
    expect(tokens).toEqual([
      { type: 'node-progress', nodeId: 'subject', event: 'token', data: { text: 'Hel' } },
      { type: 'node-progress', nodeId: 'subject', event: 'token', data: { text: 'lo' } },
      { type: 'node-progress', nodeId: 'subject', event: 'token', data: { text: '!' } },
    ]);
    expect(run.step('subject').output).toMatchObject({ text: 'Hello!' });
  });

  it('emits no token events when stream is off', async () => {
    const fake = fakeServices({ generate: [{ tokens: ['a', 'b'] }] });

    const run = await runSingleNode({ nodeType: llmNode, config: { prompt: 'Say ab' }, services: fake.services });

    expect(run.events.filter((event) => event.type === 'node-progress')).toEqual([]);
    expect(fake.calls.generate[0]!.onToken).toBeUndefined();
  });

  it('sends output_schema and outputs the validated object', async () => {
    const fake = fakeServices({ generate: [{ text: '{"name":"Ada","age":36}', object: { name: 'Ada', age: 36 } }] });

    const run = await runSingleNode({ nodeType: llmNode, config: { prompt: 'Who?', output_schema: personSchema }, services: fake.services });

    expect(fake.calls.generate[0]!.schema).toEqual(personSchema);
    expect(run.step('subject').output).toEqual({ text: '{"name":"Ada","age":36}', model: 'fake-model', object: { name: 'Ada', age: 36 } });
  });

  it('falls back to the text (fenced JSON) when the model gave no parsed object', async () => {
    const fake = fakeServices({ generate: [{ text: '```json\n{"name":"Ada","age":36}\n```' }] });

    const run = await runSingleNode({ nodeType: llmNode, config: { prompt: 'Who?', output_schema: personSchema }, services: fake.services });

    expect(run.step('subject').output).toMatchObject({ object: { name: 'Ada', age: 36 } });
  });

  it('fails with LLM_OUTPUT_INVALID when the answer does not match output_schema', async () => {
    const fake = fakeServices({ generate: [{ object: { name: 'Ada', age: 'old' } }] });

    const run = await runSingleNode({ nodeType: llmNode, config: { prompt: 'Who?', output_schema: personSchema }, services: fake.services });

    expect(run.result.status).toBe('failed');
    expect(run.step('subject').error).toMatchObject({ code: 'LLM_OUTPUT_INVALID', message: expect.stringContaining('age') });
  });

  it.each([
    ['a missing prompt', {}, 'prompt'],
    ['a prompt whose only variable is missing', { prompt: '{{start.input.nothing}}' }, 'prompt'],
    ['a temperature above 2', { prompt: 'x', temperature: 2.5 }, 'temperature'],
    ['a model config id that is not a uuid', { prompt: 'x', model_config_id: 'gpt-4' }, 'model_config_id'],
    ['an unknown field', { prompt: 'x', max_tokens: 10 }, 'max_tokens'],
    ['an output_schema that is not an object schema', { prompt: 'x', output_schema: { type: 'array' } }, 'output_schema'],
  ])('fails with NODE_CONFIG_INVALID for %s, without calling the model', async (_case, config, field) => {
    const fake = fakeServices();

    const run = await runSingleNode({ nodeType: llmNode, config, services: fake.services });

    expect(run.step('subject').status).toBe('failed');
    expect(run.step('subject').error).toMatchObject({ code: 'NODE_CONFIG_INVALID', message: expect.stringContaining(field) });
    expect(fake.calls.generate).toHaveLength(0);
  });

  it('fails the step with the service error code, and retries under the error policy', async () => {
    const fake = fakeServices({ generate: [codedError('LLM_UNAVAILABLE'), codedError('LLM_UNAVAILABLE', 'provider down')] });

    const run = await runSingleNode({
      nodeType: llmNode,
      config: { prompt: 'x' },
      errorPolicy: { retries: 1, backoff_ms: 0, on_error: 'fail', default_output: {} },
      services: fake.services,
    });

    expect(fake.calls.generate).toHaveLength(2);
    expect(run.step('subject')).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'LLM_UNAVAILABLE', message: 'provider down' } });
    expect(run.result.error).toMatchObject({ code: 'LLM_UNAVAILABLE', nodeId: 'subject' });
  });

  it('aborts the model call when the execution is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeServices({ generate: [untilAborted] });

    const running = runSingleNode({ nodeType: llmNode, config: { prompt: 'x' }, services: fake.services, signal: controller.signal });
    await vi.waitFor(() => expect(fake.calls.generate).toHaveLength(1));
    controller.abort();
    const run = await running;

    expect(fake.calls.generate[0]!.signal.aborted).toBe(true);
    expect(run.result.status).toBe('cancelled');
    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
    expect(run.steps.map((step) => step.nodeId)).not.toContain('end');
  });
});

describe('structuredAnswer', () => {
  it('prefers the parsed object, then JSON text, and answers undefined for anything else', () => {
    expect(structuredAnswer({ text: 'ignored', object: { a: 1 } })).toEqual({ a: 1 });
    expect(structuredAnswer({ text: ' {"a": 2} ' })).toEqual({ a: 2 });
    expect(structuredAnswer({ text: '[1, 2]' })).toBeUndefined();
    expect(structuredAnswer({ text: 'not json' })).toBeUndefined();
  });
});

describe('model node catalogue', () => {
  const nodeTypes = [llmNode, questionClassifierNode, parameterExtractorNode, agentNode, knowledgeRetrievalNode, toolNode];

  it.each(nodeTypes.map((nodeType) => [nodeType.type, nodeType] as const))('%s has a config schema that converts to JSON Schema with described fields', (_type, nodeType) => {
    const schema = z.toJSONSchema(nodeType.configSchema, { io: 'input' }) as { properties: Record<string, { description?: string }> };

    for (const [field, property] of Object.entries(schema.properties)) expect(property.description, field).toBeTruthy();
  });
});

import { describe, expect, it, vi } from 'vitest';
import { tokenUsage } from '../../../platform/llm/llm-call.js';
import { codedError, fakeServices, runSingleNode, untilAborted } from './model.test-helpers.js';
import { parameterExtractorNode } from './parameter-extractor.node.js';

const parameters = [
  { name: 'city', type: 'string', description: 'The city to book in', required: true },
  { name: 'nights', type: 'integer', required: true },
  { name: 'unit', type: 'string', enum: ['celsius', 'fahrenheit'] },
  { name: 'breakfast', type: 'boolean' },
];

// Every test: start -> subject (parameter_extractor) -> end
describe('parameter_extractor node', () => {
  it('outputs every parameter, null and listed in __missing when not found', async () => {
    const fake = fakeServices({ generate: [{ object: { city: 'Lyon', nights: 3, unit: null }, usage: tokenUsage(40, 8) }] });

    const run = await runSingleNode({
      nodeType: parameterExtractorNode,
      config: { query: '{{start.input.message}}', parameters },
      services: fake.services,
      input: { message: 'Three nights in Lyon please' },
    });

    expect(run.result.status).toBe('succeeded');
    expect(run.step('subject').output).toEqual({ city: 'Lyon', nights: 3, unit: null, breakfast: null, __missing: ['unit', 'breakfast'] });
    expect(run.step('subject').usage).toEqual(tokenUsage(40, 8));
    expect(fake.calls.generate[0]!.prompt).toBe('Three nights in Lyon please');
  });

  it('asks with a schema where every parameter is present and nullable, enums included', async () => {
    const fake = fakeServices({ generate: [{ object: { city: 'Lyon', nights: 1, unit: 'celsius', breakfast: true } }] });

    await runSingleNode({
      nodeType: parameterExtractorNode,
      config: { query: 'q', parameters, instructions: 'Dates are in Europe/Paris.' },
      services: fake.services,
    });

    const call = fake.calls.generate[0]!;
    expect(call.schema).toEqual({
      type: 'object',
      properties: {
        city: { type: ['string', 'null'], description: 'The city to book in' },
        nights: { type: ['integer', 'null'] },
        unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit', null] },
        breakfast: { type: ['boolean', 'null'] },
      },
      required: ['city', 'nights', 'unit', 'breakfast'],
      additionalProperties: false,
    });
    expect(call.system).toContain('- city (string; required): The city to book in');
    expect(call.system).toContain('- unit (string; optional; one of: "celsius", "fahrenheit")');
    expect(call.system).toContain('Dates are in Europe/Paris.');
  });

  it('keeps arrays and objects, and drops keys that are not parameters', async () => {
    const fake = fakeServices({ generate: [{ text: '{"tags":["a","b"],"address":{"zip":"69001"},"extra":1}' }] });

    const run = await runSingleNode({
      nodeType: parameterExtractorNode,
      config: { query: 'q', parameters: [{ name: 'tags', type: 'array' }, { name: 'address', type: 'object' }] },
      services: fake.services,
    });

    expect(run.step('subject').output).toEqual({ tags: ['a', 'b'], address: { zip: '69001' }, __missing: [] });
  });

  it('fails with EXTRACTION_INCOMPLETE naming the required parameters not found', async () => {
    const fake = fakeServices({ generate: [{ object: { city: null, nights: null, unit: 'celsius', breakfast: null } }] });

    const run = await runSingleNode({ nodeType: parameterExtractorNode, config: { query: 'q', parameters }, services: fake.services });

    expect(run.result.status).toBe('failed');
    expect(run.step('subject').error).toEqual({ code: 'EXTRACTION_INCOMPLETE', message: 'required parameters not found in the input: city, nights' });
  });

  it.each([
    ['a string for an integer', { city: 'Lyon', nights: 'three' }, 'nights'],
    ['a fraction for an integer', { city: 'Lyon', nights: 2.5 }, 'nights'],
    ['a value outside the enum', { city: 'Lyon', nights: 2, unit: 'kelvin' }, 'unit'],
    ['an answer that is not an object', ['Lyon', 2], 'answer'],
  ])('fails with EXTRACTION_INVALID_ANSWER for %s', async (_case, object, field) => {
    const fake = fakeServices({ generate: [{ object, text: JSON.stringify(object) }] });

    const run = await runSingleNode({ nodeType: parameterExtractorNode, config: { query: 'q', parameters }, services: fake.services });

    expect(run.step('subject').error).toMatchObject({ code: 'EXTRACTION_INVALID_ANSWER', message: expect.stringContaining(field) });
  });

  it.each([
    ['no parameters', { query: 'q', parameters: [] }],
    ['51 parameters', { query: 'q', parameters: Array.from({ length: 51 }, (_, index) => ({ name: `p${index}`, type: 'string' })) }],
    ['duplicate names', { query: 'q', parameters: [parameters[0], { name: 'city', type: 'number' }] }],
    ['the reserved name __missing', { query: 'q', parameters: [{ name: '__missing', type: 'string' }] }],
    ['an unknown type', { query: 'q', parameters: [{ name: 'when', type: 'date' }] }],
    ['an enum on a boolean', { query: 'q', parameters: [{ name: 'ok', type: 'boolean', enum: ['yes'] }] }],
    ['an enum value of the wrong type', { query: 'q', parameters: [{ name: 'size', type: 'integer', enum: [1, 'big'] }] }],
  ])('fails with NODE_CONFIG_INVALID for %s', async (_case, config) => {
    const fake = fakeServices();

    const run = await runSingleNode({ nodeType: parameterExtractorNode, config, services: fake.services });

    expect(run.step('subject').error?.code).toBe('NODE_CONFIG_INVALID');
    expect(fake.calls.generate).toHaveLength(0);
  });

  it('fails the step when the model call fails', async () => {
    const fake = fakeServices({ generate: [codedError('LLM_RATE_LIMITED')] });

    const run = await runSingleNode({ nodeType: parameterExtractorNode, config: { query: 'q', parameters }, services: fake.services });

    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'LLM_RATE_LIMITED' } });
  });

  it('aborts the model call when the execution is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeServices({ generate: [untilAborted] });

    const running = runSingleNode({ nodeType: parameterExtractorNode, config: { query: 'q', parameters }, services: fake.services, signal: controller.signal });
    await vi.waitFor(() => expect(fake.calls.generate).toHaveLength(1));
    controller.abort();
    const run = await running;

    expect(fake.calls.generate[0]!.signal.aborted).toBe(true);
    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });
});

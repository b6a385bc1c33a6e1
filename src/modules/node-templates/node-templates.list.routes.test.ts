import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import { expectError, expectValidationError } from '../workflows/workflows.test-helpers.js';
import { createTemplate, request, testApp, useNodeTemplatesApp } from './node-templates.test-helpers.js';

/** GET /api/v1/node-templates (filters, pages, isolation) and GET /api/v1/node-templates/node-types. */
useNodeTemplatesApp();

async function names(query: string) {
  const response = await request('GET', query);
  expect(response.statusCode).toBe(200);
  return response.json().items.map((item: { name: string }) => item.name);
}

describe('GET /api/v1/node-templates', () => {
  it('lists only your templates, most recently updated first, with filters on type, category, tag and text', async () => {
    await createTemplate({ name: 'Weather' });
    testApp.clock.advance(1000);
    await createTemplate({ name: 'Greeting', node_type: 'template', config: { template: 'Hi {{start.input.name}}' }, category: 'text', tags: ['hello'] });
    testApp.clock.advance(1000);
    await createTemplate({ name: 'Score 100%', description: 'Checks a score', node_type: 'condition', category: 'logic', tags: ['json'], config: {
      cases: [{ id: 'high', conditions: [{ left: '{{score.output.value}}', operator: 'greater_than', right: 90 }] }],
    } });
    const stranger = await createUser(testApp);
    await createTemplate({ name: 'Not yours' }, stranger);

    expect(await names('')).toEqual(['Score 100%', 'Greeting', 'Weather']);
    expect(await names('?node_type=http')).toEqual(['Weather']);
    expect(await names('?category=text')).toEqual(['Greeting']);
    expect(await names('?tag=json')).toEqual(['Score 100%', 'Weather']);
    expect(await names('?search=CHECKS')).toEqual(['Score 100%']);
    expect(await names('?search=100%25')).toEqual(['Score 100%']);
    expect(await names('?search=_')).toEqual([]);
    expect(await names('?tag=json&node_type=condition')).toEqual(['Score 100%']);
  });

  it('pages with page and page_size and reports the total', async () => {
    for (const name of ['A', 'B', 'C']) {
      await createTemplate({ name });
      testApp.clock.advance(1000);
    }

    const second = await request('GET', '?page=2&page_size=2');

    expect(second.json()).toMatchObject({ total: 3, page: 2, page_size: 2, items: [{ name: 'A' }] });
  });

  it('answers 422 for a bad page size and 401 without a token', async () => {
    expectValidationError(await request('GET', '?page_size=1000'), 'querystring.page_size');
    expectValidationError(await request('GET', '?page=0'), 'querystring.page');
    expectError(await request('GET', '', null), 401, 'AUTH_REQUIRED');
  });
});

describe('GET /api/v1/node-templates/node-types', () => {
  it('lists every node type with its config JSON Schema, defaults and traits', async () => {
    const response = await request('GET', '/node-types');

    expect(response.statusCode).toBe(200);
    const { items, total } = response.json() as { items: Array<Record<string, unknown>>; total: number };
    const byType = new Map(items.map((item) => [item['type'], item]));
    expect(total).toBe(items.length);
    expect([...byType.keys()]).toEqual(expect.arrayContaining(['start', 'end', 'llm', 'http', 'code', 'condition', 'loop', 'iteration', 'human_approval']));
    expect(byType.get('http')).toMatchObject({
      config_schema: { type: 'object', properties: { url: { type: 'string' }, method: { enum: expect.arrayContaining(['GET', 'POST']) } } },
      default_config: null,
      branching: false,
      runnable_alone: true,
    });
    expect(byType.get('http')!['config_schema']).not.toHaveProperty('$schema');
    expect(byType.get('start')).toMatchObject({ default_config: { inputs: [] } });
    expect(byType.get('condition')).toMatchObject({ branching: true, nested_graphs: false });
    expect(byType.get('loop')).toMatchObject({ nested_graphs: true, runnable_alone: true });
    expect(byType.get('sub_workflow')).toMatchObject({ runnable_alone: false });
  });

  it('answers 401 without a token', async () => {
    expectError(await request('GET', '/node-types', null), 401, 'AUTH_REQUIRED');
  });
});

import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/** The catalogue: built-ins and custom tools listed, filtered, counted and read; built-ins read-only. */
let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function inject(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  return testApp.app.inject({ method, url: `/api/v1/tools${url}`, headers: user.headers, ...(payload ? { payload } : {}) });
}

const codeTool = {
  name: 'shout',
  description: 'Upper-cases a text, for shouting at people.',
  category: 'text',
  type: 'code',
  input_schema: { type: 'object', properties: { text: { type: 'string' } } },
  code: { language: 'javascript', code: 'input.text.toUpperCase()' },
};

describe('the tool catalogue', () => {
  it('lists built-ins and custom tools with filters and pages', async () => {
    await inject('POST', '', codeTool);
    const builtinCount = testApp.container.tools.count;

    const all = (await inject('GET', '?page_size=100')).json();
    const math = (await inject('GET', '?category=math')).json();
    const custom = (await inject('GET', '?type=code')).json();
    const search = (await inject('GET', '?search=JSONPath')).json();
    const secondPage = (await inject('GET', '?page=2&page_size=5')).json();

    expect(all.total).toBe(builtinCount + 1);
    expect(math.items.map((tool: { name: string }) => tool.name).sort()).toEqual(['calculator', 'number_base_convert', 'random', 'statistics', 'unit_convert']);
    expect(custom.items).toEqual([expect.objectContaining({ name: 'shout', builtin: false, type: 'code' })]);
    expect(search.items.map((tool: { name: string }) => tool.name)).toContain('json_path');
    expect(secondPage).toMatchObject({ page: 2, page_size: 5, total: builtinCount + 1 });
    expect(secondPage.items).toHaveLength(5);
  });

  it('counts tools per category, custom ones included', async () => {
    await inject('POST', '', codeTool);

    const categories = (await inject('GET', '/categories')).json();
    const text = categories.items.find((category: { name: string }) => category.name === 'text');

    expect(text.count).toBe(testApp.container.tools.list().filter((tool) => tool.category === 'text').length + 1);
    expect(categories.total).toBe(categories.items.length);
  });

  it('describes every built-in with its input schema, and one by name', async () => {
    const builtin = (await inject('GET', '/builtin')).json();
    const calculator = await inject('GET', '/calculator');

    expect(builtin.total).toBe(testApp.container.tools.count);
    expect(builtin.items.every((tool: { builtin: boolean; input_schema: { type: string } }) => tool.builtin && tool.input_schema.type === 'object')).toBe(true);
    expect(calculator.json()).toMatchObject({
      id: 'calculator',
      type: 'builtin',
      input_schema: { properties: { expression: { type: 'string' } }, required: ['expression'] },
    });
  });

  it('finds a custom tool by id and by name; unknown names and ids are 404', async () => {
    const created = (await inject('POST', '', codeTool)).json();

    const byId = await inject('GET', `/${created.id}`);
    const byName = await inject('GET', '/shout');
    const unknown = await Promise.all([inject('GET', '/no_such_tool'), inject('GET', '/0190a000-0000-7000-8000-000000000001')]);

    expect(byId.json()).toMatchObject({ id: created.id, name: 'shout' });
    expect(byName.json().id).toBe(created.id);
    expect(unknown.map((response) => response.statusCode)).toEqual([404, 404]);
    expect(unknown[0]!.json().error).toBe('TOOL_NOT_FOUND');
  });

  it('refuses to change or delete a built-in, and to take its name', async () => {
    const responses = await Promise.all([
      inject('PUT', '/calculator', { description: 'A calculator that I now own, apparently.' }),
      inject('DELETE', '/calculator'),
      inject('POST', '', { ...codeTool, name: 'calculator' }),
    ]);

    expect(responses.map((response) => response.statusCode)).toEqual([403, 403, 409]);
    expect(responses[0]!.json().error).toBe('TOOL_BUILTIN_READ_ONLY');
  });

  it('disables a tool: it cannot be used until enabled again', async () => {
    const created = (await inject('POST', '', codeTool)).json();

    await inject('PUT', `/${created.id}`, { enabled: false });
    const disabled = await inject('POST', `/${created.id}/use`, { arguments: { text: 'hi' } });
    await inject('PUT', `/${created.id}`, { enabled: true });
    const enabled = await inject('POST', `/${created.id}/use`, { arguments: { text: 'hi' } });

    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().error).toBe('TOOL_DISABLED');
    expect(enabled.json()).toMatchObject({ ok: true, output: { result: 'HI' } });
  });

  it('answers 422 for bad list parameters and bodies', async () => {
    const responses = await Promise.all([
      inject('GET', '?page_size=1000'),
      inject('GET', '?type=plugin'),
      inject('PUT', '/shout', {}),
      inject('POST', '/calculator/use', { arguments: 'not an object' }),
    ]);

    expect(responses.map((response) => response.statusCode)).toEqual([422, 422, 422, 422]);
  });
});

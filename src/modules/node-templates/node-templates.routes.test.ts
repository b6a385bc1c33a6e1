import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import { expectError, expectValidationError } from '../workflows/workflows.test-helpers.js';
import { createTemplate, exampleTemplate, missingId, request, testApp, useNodeTemplatesApp, user } from './node-templates.test-helpers.js';

/** Create, read, update and delete of /api/v1/node-templates: config checks, names, ownership, bad bodies. */
useNodeTemplatesApp();

describe('POST /api/v1/node-templates', () => {
  it('answers 201 with the template as saved (reference kept); GET shows the same', async () => {
    const response = await request('POST', '', user, exampleTemplate);

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      ...exampleTemplate,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      owner_id: user.id,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    const read = await request('GET', `/${body.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
  });

  it('fills description, config, category, tags and error_policy defaults, drops duplicate tags', async () => {
    const response = await request('POST', '', user, { name: '  Plain text  ', node_type: 'template', config: { template: 'Hi' }, tags: ['a', 'a', 'b'] });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Plain text',
      description: '',
      config: { template: 'Hi' },
      error_policy: null,
      category: 'general',
      tags: ['a', 'b'],
    });
  });

  it('refuses an unknown node type with 422 NODE_TYPE_UNKNOWN naming the known types', async () => {
    const response = await request('POST', '', user, { ...exampleTemplate, node_type: 'teleport' });

    const body = expectError(response, 422, 'NODE_TYPE_UNKNOWN');
    expect(body.message).toContain('"teleport"');
    expect(body.details?.['known_types']).toEqual(expect.arrayContaining(['http', 'llm', 'code', 'condition']));
  });

  it('refuses a config its node type refuses with 422 NODE_CONFIG_INVALID listing every problem', async () => {
    const config = { method: 'FETCH', url: 'not a url', surprise: true };

    const response = await request('POST', '', user, { ...exampleTemplate, config });

    const body = expectError(response, 422, 'NODE_CONFIG_INVALID');
    const paths = (body.details?.['problems'] as Array<{ path: string }>).map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['config.method', 'config.url', 'config']));
    expect((await request('GET', '')).json().total).toBe(0);
  });

  it('checks the nested body of a loop as workflow validation does', async () => {
    const body = { nodes: [{ id: 'a', type: 'mystery' }, { id: 'b', type: 'template', config: {} }], edges: [{ source: 'a', target: 'b' }] };

    const response = await request('POST', '', user, { ...exampleTemplate, node_type: 'loop', config: { body } });

    const problems = expectError(response, 422, 'NODE_CONFIG_INVALID').details?.['problems'] as Array<{ path: string; code: string }>;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'NODE_TYPE_UNKNOWN', path: 'config.body.nodes.0.type' }),
        expect.objectContaining({ code: 'NODE_CONFIG_INVALID', path: 'config.body.nodes.1.config.template' }),
      ]),
    );
  });

  it('refuses a name the owner already uses with 409; another user may use it', async () => {
    await createTemplate();
    const stranger = await createUser(testApp);

    const again = await request('POST', '', user, exampleTemplate);
    const theirs = await request('POST', '', stranger, exampleTemplate);

    expectError(again, 409, 'NODE_TEMPLATE_NAME_TAKEN');
    expect(theirs.statusCode).toBe(201);
  });

  it('answers 422 VALIDATION_ERROR for a bad body, and 401 without a token', async () => {
    const { name: _name, ...nameless } = exampleTemplate;

    expectValidationError(await request('POST', '', user, nameless), 'body.name');
    expectValidationError(await request('POST', '', user, { ...exampleTemplate, owner_id: user.id }), 'body');
    expectValidationError(await request('POST', '', user, { ...exampleTemplate, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'body.tags');
    expectValidationError(await request('POST', '', user, { ...exampleTemplate, error_policy: { retries: 99 } }), 'body.error_policy.retries');
    expectValidationError(await request('POST', '', user, { ...exampleTemplate, config: 'url' }), 'body.config');
    expectError(await request('POST', '', null, exampleTemplate), 401, 'AUTH_REQUIRED');
  });
});

describe('PUT /api/v1/node-templates/{id}', () => {
  it('changes only the given fields and moves updated_at', async () => {
    const template = await createTemplate();
    testApp.clock.advance(60_000);

    const response = await request('PUT', `/${template.id}`, user, { name: 'Weather v2', tags: ['weather'], error_policy: null });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...template,
      name: 'Weather v2',
      tags: ['weather'],
      error_policy: null,
      updated_at: '2026-01-01T00:01:00.000Z',
    });
  });

  it('checks a new config against the current type, and a new type against the config; a refusal changes nothing', async () => {
    const template = await createTemplate();

    const badConfig = await request('PUT', `/${template.id}`, user, { config: { url: 'ftp://example.com/' } });
    const badType = await request('PUT', `/${template.id}`, user, { node_type: 'template' });
    const unchanged = (await request('GET', `/${template.id}`)).json();
    const both = await request('PUT', `/${template.id}`, user, { node_type: 'template', config: { template: '{{x.output.y}}' } });

    expectError(badConfig, 422, 'NODE_CONFIG_INVALID');
    expectError(badType, 422, 'NODE_CONFIG_INVALID');
    expect(unchanged).toEqual(template);
    expect(both.statusCode).toBe(200);
    expect(both.json()).toMatchObject({ node_type: 'template', config: { template: '{{x.output.y}}' } });
  });

  it('answers 409 for a name taken by another template, 422 for an empty body', async () => {
    const first = await createTemplate();
    await createTemplate({ name: 'Other' });

    expectError(await request('PUT', `/${first.id}`, user, { name: 'Other' }), 409, 'NODE_TEMPLATE_NAME_TAKEN');
    expectValidationError(await request('PUT', `/${first.id}`, user, {}), 'body');
  });
});

describe('DELETE /api/v1/node-templates/{id}', () => {
  it('answers 204, then the template is gone', async () => {
    const template = await createTemplate();

    const deleted = await request('DELETE', `/${template.id}`);

    expect(deleted.statusCode).toBe(204);
    expectError(await request('GET', `/${template.id}`), 404, 'NODE_TEMPLATE_NOT_FOUND');
    expectError(await request('DELETE', `/${template.id}`), 404, 'NODE_TEMPLATE_NOT_FOUND');
  });
});

describe('ownership and ids', () => {
  it("answers 404 for another user's template on read, update and delete, and leaves it untouched", async () => {
    const template = await createTemplate();
    const stranger = await createUser(testApp);

    expectError(await request('GET', `/${template.id}`, stranger), 404, 'NODE_TEMPLATE_NOT_FOUND');
    expectError(await request('PUT', `/${template.id}`, stranger, { name: 'Mine now' }), 404, 'NODE_TEMPLATE_NOT_FOUND');
    expectError(await request('DELETE', `/${template.id}`, stranger), 404, 'NODE_TEMPLATE_NOT_FOUND');
    expect((await request('GET', `/${template.id}`)).json()).toEqual(template);
  });

  it('answers 404 for an unknown id, 422 for an id that is not a UUID, 401 without a token', async () => {
    expectError(await request('GET', `/${missingId}`), 404, 'NODE_TEMPLATE_NOT_FOUND');
    expectError(await request('PUT', `/${missingId}`, user, { name: 'x' }), 404, 'NODE_TEMPLATE_NOT_FOUND');
    expectValidationError(await request('GET', '/42'), 'params.template_id');
    expectError(await request('GET', `/${missingId}`, null), 401, 'AUTH_REQUIRED');
  });
});

import { describe, expect, it } from 'vitest';
import { builtinNodeTypes } from '../../engine/workflow/builtin-nodes.js';
import { checkStartInput } from '../../engine/workflow/nodes/start.node.js';
import { validateWorkflow } from '../../engine/workflow/validate-workflow.js';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { TEMPLATE_CATEGORIES, workflowTemplates, type WorkflowTemplate } from './workflow-templates.js';
import { environmentSchema, graphSchema } from './workflows.schemas.js';

/** The built-in templates as data (valid, runnable graphs), and /api/v1/workflows/templates. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

const templatesUrl = '/api/v1/workflows/templates';
const byId = (id: string) => workflowTemplates.find((template) => template.id === id)!;

function call(method: 'GET' | 'POST', url: string, options: { owner?: TestUser | null; payload?: object } = {}) {
  const owner = options.owner === undefined ? user : options.owner;
  return testApp.app.inject({ method, url, headers: owner ? owner.headers : {}, ...(options.payload ? { payload: options.payload } : {}) });
}

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

describe('built-in workflow templates', () => {
  it('has the promised templates, each with a unique kebab-case id and a known category', () => {
    const required = ['rag-qa', 'summarizer', 'classifier-router', 'translation-pipeline', 'web-page-digest', 'extract-json', 'approval-flow', 'multi-agent-review'];

    expect(workflowTemplates.map((template) => template.id)).toEqual(expect.arrayContaining(required));
    expect(new Set(workflowTemplates.map((template) => template.id)).size).toBe(workflowTemplates.length);
    for (const template of workflowTemplates) {
      expect(template.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(TEMPLATE_CATEGORIES).toContain(template.category);
      expect(template.description.length).toBeLessThanOrEqual(2000);
    }
  });

  it.each(workflowTemplates.map((template) => [template.id, template] as const))('%s passes workflow validation with no issue', (_, template) => {
    const issues = validateWorkflow(template.graph, { registry: builtinNodeTypes(), envNames: [] });

    expect(issues).toEqual([]);
  });

  it.each(workflowTemplates.map((template) => [template.id, template] as const))('%s has the shape POST /workflows stores unchanged', (_, template) => {
    const graph = graphSchema.safeParse(template.graph);
    const environment = environmentSchema.safeParse(template.environment ?? {});

    expect(graph.success && graph.data).toEqual(template.graph);
    expect(environment.success).toBe(true);
  });

  it.each(workflowTemplates.map((template) => [template.id, template] as const))('%s: the example input fits its start node', (_, template) => {
    const start = template.graph.nodes.find((node) => node.type === 'start')!;

    expect(checkStartInput(start.config, template.inputs_example).problems).toEqual([]);
  });

  it('never names a model config: created workflows run on their owner\'s default model', () => {
    const named = workflowTemplates.filter((template: WorkflowTemplate) => JSON.stringify(template.graph).includes('model_config_id'));

    expect(named.map((template) => template.id)).toEqual([]);
  });

  it('detects a broken template: a reference to a node that does not run before is an issue', () => {
    const template = structuredClone(byId('rag-qa'));
    template.graph.nodes.find((node) => node.id === 'answer')!.config.prompt = '{{retrive.output.context}}';

    const issues = validateWorkflow(template.graph, { registry: builtinNodeTypes(), envNames: [] });

    expect(issues.map((issue) => `${issue.code}:${issue.node_id}`)).toEqual(['UNKNOWN_VARIABLE:answer']);
  });
});

describe('GET /api/v1/workflows/templates', () => {
  it('lists every template as a summary with its node count, in catalogue order', async () => {
    const response = await call('GET', templatesUrl);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.total).toBe(workflowTemplates.length);
    expect(ids(body)).toEqual(workflowTemplates.map((template) => template.id));
    const rag = byId('rag-qa');
    expect(body.items[0]).toEqual({ id: 'rag-qa', name: rag.name, description: rag.description, category: 'knowledge', tags: rag.tags, node_count: 4 });
  });

  it('filters by category and searches id, name, description and tags without case', async () => {
    const text = (await call('GET', `${templatesUrl}?category=text`)).json();
    const byName = (await call('GET', `${templatesUrl}?search=TRANSLATION`)).json();
    const byTag = (await call('GET', `${templatesUrl}?search=human-in-the-loop`)).json();
    const both = (await call('GET', `${templatesUrl}?category=routing&search=support`)).json();
    const none = (await call('GET', `${templatesUrl}?category=agents&search=translation`)).json();

    expect(ids(text)).toEqual(['summarizer', 'translation-pipeline']);
    expect(ids(byName)).toEqual(['translation-pipeline']);
    expect(ids(byTag)).toEqual(['approval-flow']);
    expect(ids(both)).toEqual(['classifier-router']);
    expect(none).toEqual({ items: [], total: 0 });
  });

  it('refuses an unknown category with 422 and a missing token with 401', async () => {
    const unknown = await call('GET', `${templatesUrl}?category=nonsense`);
    const anonymous = await call('GET', templatesUrl, { owner: null });

    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toBe('VALIDATION_ERROR');
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('GET /api/v1/workflows/templates/{template_id}', () => {
  it('answers the whole template: graph, example input and environment', async () => {
    const response = await call('GET', `${templatesUrl}/classifier-router`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...byId('classifier-router'), environment: {} });
  });

  it('answers 404 WORKFLOW_TEMPLATE_NOT_FOUND for an unknown id, 422 for an id that is no slug, 401 without a token', async () => {
    const missing = await call('GET', `${templatesUrl}/no-such-template`);
    const malformed = await call('GET', `${templatesUrl}/Not_A_Slug`);
    const anonymous = await call('GET', `${templatesUrl}/summarizer`, { owner: null });

    expect({ status: missing.statusCode, error: missing.json().error }).toEqual({ status: 404, error: 'WORKFLOW_TEMPLATE_NOT_FOUND' });
    expect(malformed.statusCode).toBe(422);
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('POST /api/v1/workflows/templates/{template_id}/create', () => {
  it('creates version 1 of a workflow of the caller with the template graph, named after the template', async () => {
    const template = byId('approval-flow');

    const response = await call('POST', `${templatesUrl}/approval-flow/create`);

    expect(response.statusCode).toBe(201);
    const workflow = response.json();
    expect(workflow).toMatchObject({
      name: template.name,
      description: template.description,
      graph: template.graph,
      environment: {},
      version: 1,
      owner_id: user.id,
    });
    const stored = await call('GET', `/api/v1/workflows/${workflow.id}`);
    expect(stored.json()).toEqual(workflow);
    const validation = await call('POST', '/api/v1/workflows/validate', { payload: { graph: workflow.graph, environment: {} } });
    expect(validation.json()).toEqual({ valid: true, issues: [] });
  });

  it('takes a name and description from the body (the name trimmed)', async () => {
    const response = await call('POST', `${templatesUrl}/summarizer/create`, { payload: { name: '  Meeting notes  ', description: 'Daily stand-up' } });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'Meeting notes', description: 'Daily stand-up', graph: byId('summarizer').graph });
  });

  it('appends " (2)", " (3)" to a name the caller already uses, but not to one only another user has', async () => {
    const other = await createUser(testApp);
    const theirs = await call('POST', `${templatesUrl}/summarizer/create`, { owner: other });

    const names: string[] = [];
    for (let count = 0; count < 3; count++) names.push((await call('POST', `${templatesUrl}/summarizer/create`)).json().name);
    const named = await call('POST', `${templatesUrl}/summarizer/create`, { payload: { name: 'Summarizer' } });

    expect(theirs.json().name).toBe('Summarizer');
    expect(names).toEqual(['Summarizer', 'Summarizer (2)', 'Summarizer (3)']);
    expect(named.json().name).toBe('Summarizer (4)');
    const mine = (await call('GET', '/api/v1/workflows?page_size=100')).json();
    expect(mine.total).toBe(4);
  });

  it('answers 404 for an unknown template and creates nothing', async () => {
    const response = await call('POST', `${templatesUrl}/no-such-template/create`);

    expect({ status: response.statusCode, error: response.json().error }).toEqual({ status: 404, error: 'WORKFLOW_TEMPLATE_NOT_FOUND' });
    expect((await call('GET', '/api/v1/workflows')).json().total).toBe(0);
  });

  it('refuses a body with an unknown field or an empty name with 422, and a missing token with 401', async () => {
    const unknownField = await call('POST', `${templatesUrl}/summarizer/create`, { payload: { graph: {} } });
    const emptyName = await call('POST', `${templatesUrl}/summarizer/create`, { payload: { name: '   ' } });
    const anonymous = await call('POST', `${templatesUrl}/summarizer/create`, { owner: null });

    expect([unknownField.statusCode, emptyName.statusCode, anonymous.statusCode]).toEqual([422, 422, 401]);
    expect((await call('GET', '/api/v1/workflows')).json().total).toBe(0);
  });
});

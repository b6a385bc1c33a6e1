import { describe, expect, it } from 'vitest';
import type { AppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { createUser } from '../../test-kit/factories.js';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { createWorkflow, graphWithOutputs, request, service, simpleGraph, testApp, user, useWorkflowsApp } from './workflows.test-helpers.js';

/** The service API other modules use (require, findByName, webhookSecret, validate) and import naming. */
useWorkflowsApp();

const actorOf = (owner: { id: string }): Actor => ({ userId: owner.id, role: 'user' });

describe('require and findByName', () => {
  it("returns the caller's stored workflow, and 404 WORKFLOW_NOT_FOUND for someone else's", async () => {
    const workflow = await createWorkflow();
    const stranger = await createUser(testApp);

    const record = await service.require(actorOf(user), workflow.id);
    const refused = (await rejectionOf(service.require(actorOf(stranger), workflow.id))) as AppError;

    expect(record).toMatchObject({ id: workflow.id, ownerId: user.id, name: workflow.name, version: 1 });
    expect(record.definition).toEqual({
      name: workflow.name,
      description: workflow.description,
      graph: workflow.graph,
      environment: workflow.environment,
    });
    expect({ code: refused.code, category: refused.category }).toEqual({ code: 'WORKFLOW_NOT_FOUND', category: 'not_found' });
  });

  it('finds a workflow by its exact name within one owner only', async () => {
    const workflow = await createWorkflow({ name: 'Nightly report' });
    const stranger = await createUser(testApp);

    expect((await service.findByName(user.id, 'Nightly report'))?.id).toBe(workflow.id);
    expect(await service.findByName(user.id, 'nightly report')).toBeNull();
    expect(await service.findByName(stranger.id, 'Nightly report')).toBeNull();
  });
});

describe('webhookSecret', () => {
  it('unseals the secret the owner is shown, and follows a rotation', async () => {
    const workflow = await createWorkflow();
    const shown = (await request('GET', `/${workflow.id}/webhook-secret`)).json().secret;

    expect(service.webhookSecret(await service.require(actorOf(user), workflow.id))).toBe(shown);
    const { secret: rotated } = await service.rotateWebhookSecret(actorOf(user), workflow.id);
    expect(service.webhookSecret(await service.require(actorOf(user), workflow.id))).toBe(rotated);
  });
});

describe('validate', () => {
  const withShout = (config: Record<string, unknown>, sourceHandle?: string) => ({
    nodes: [
      { id: 'start', type: 'start', config: {} },
      { id: 'shout', type: 'shout', config },
      { id: 'end', type: 'end', config: {} },
    ],
    edges: [
      { source: 'start', target: 'shout' },
      { source: 'shout', target: 'end', ...(sourceHandle ? { source_handle: sourceHandle } : {}) },
    ],
  });

  it("accepts a node type of the registry with a valid config, on one of the node's branches", () => {
    expect(service.validate(withShout({ text: '{{start.input.name}}' }, 'long'), {})).toEqual({ valid: true, issues: [] });
  });

  it('reports a bad config and an unknown branch with the node id', () => {
    const result = service.validate(withShout({ text: 42 }, 'medium'));

    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'NODE_CONFIG_INVALID', node_id: 'shout', path: 'nodes.1.config.text' }),
      expect.objectContaining({ code: 'UNKNOWN_BRANCH', node_id: 'shout', path: 'edges.1.source_handle' }),
    ]);
  });

  it('reports a stored graph that lost the graph shape as GRAPH_SHAPE_INVALID issues instead of throwing', () => {
    const result = service.validate({ nodes: [{ id: 'bad id', type: 'start' }], edges: 'none' });

    expect(result.valid).toBe(false);
    expect(result.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['GRAPH_SHAPE_INVALID', 'nodes.0.id'],
      ['GRAPH_SHAPE_INVALID', 'edges'],
    ]);
  });

  it('checks a stored workflow with its own environment', async () => {
    const graph = graphWithOutputs({ base: '{{env.API_BASE}}', key: '{{env.API_KEY}}' });
    const record = await service.require(actorOf(user), (await createWorkflow({ graph })).id);

    const result = service.validate(record.definition.graph, record.definition.environment);

    expect(result.issues).toEqual([expect.objectContaining({ code: 'UNKNOWN_VARIABLE', message: expect.stringContaining('API_KEY') })]);
  });
});

describe('import naming', () => {
  it('cuts a name at the longest length so the number still fits', async () => {
    const name = 'n'.repeat(100);
    const document = { format: 'tiangong.workflow' as const, format_version: 1 as const, workflow: { name, description: '', graph: simpleGraph, environment: {} } };

    const first = await service.import(actorOf(user), document);
    const second = await service.import(actorOf(user), document);

    expect(first.name).toBe(name);
    expect(second.name).toBe(`${'n'.repeat(96)} (2)`);
    expect(second.name).toHaveLength(100);
  });

  it('takes the first free number when some are already used', async () => {
    for (const name of ['Flow', 'Flow (2)', 'Flow (4)']) await createWorkflow({ name });
    const document = { format: 'tiangong.workflow' as const, format_version: 1 as const, workflow: { name: 'Flow', description: '', graph: simpleGraph, environment: {} } };

    const names = [(await service.import(actorOf(user), document)).name, (await service.import(actorOf(user), document)).name];

    expect(names).toEqual(['Flow (3)', 'Flow (5)']);
  });
});

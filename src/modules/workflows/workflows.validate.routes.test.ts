import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { workflows } from '../../platform/db/schema/index.js';
import {
  createWorkflow,
  expectValidationError,
  graphWithOutputs,
  request,
  simpleGraph,
  testApp,
  user,
  useWorkflowsApp,
} from './workflows.test-helpers.js';

/** POST /api/v1/workflows/validate and the webhook secret routes. */
useWorkflowsApp();

describe('POST /api/v1/workflows/validate', () => {
  it('answers valid: true and no issues for a sound graph', async () => {
    const response = await request('POST', '/validate', user, { graph: simpleGraph, environment: {} });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ valid: true, issues: [] });
  });

  it('answers 200 with every problem of a broken graph and the node it is about', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'mystery', type: 'no-such-type' },
        { id: 'end', type: 'end', config: { outputs: { answer: '{{ghost.output.text}}' } } },
        { id: 'orphan', type: 'end' },
      ],
      edges: [
        { source: 'start', target: 'mystery' },
        { source: 'mystery', target: 'end' },
      ],
    };

    const response = await request('POST', '/validate', user, { graph });

    expect(response.statusCode).toBe(200);
    expect(response.json().valid).toBe(false);
    expect(response.json().issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'NODE_UNREACHABLE', node_id: 'orphan', path: 'nodes.3' }),
        expect.objectContaining({ code: 'NODE_TYPE_UNKNOWN', node_id: 'mystery', path: 'nodes.1.type' }),
        expect.objectContaining({ code: 'UNKNOWN_VARIABLE', node_id: 'end', path: 'nodes.2.config' }),
      ]),
    );
    expect(response.json().issues).toHaveLength(3);
  });

  it('reports structural problems: a dangling edge, then a cycle', async () => {
    const dangling = {
      nodes: [{ id: 'start', type: 'start' }],
      edges: [{ source: 'start', target: 'nowhere' }],
    };
    const cycle = {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'a', type: 'end' },
        { id: 'b', type: 'end' },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    };

    const danglingIssues = (await request('POST', '/validate', user, { graph: dangling })).json().issues;
    const cycleIssues = (await request('POST', '/validate', user, { graph: cycle })).json().issues;

    expect(danglingIssues).toEqual([{ code: 'DANGLING_EDGE', message: expect.any(String), path: 'edges.0.target' }]);
    expect(cycleIssues.map((issue: { code: string }) => issue.code)).toEqual(['CYCLE']);
  });

  it('checks {{env.NAME}} against the environment only when one is given', async () => {
    const graph = graphWithOutputs({ base: '{{env.API_BASE}}' });

    const without = await request('POST', '/validate', user, { graph });
    const missing = await request('POST', '/validate', user, { graph, environment: { OTHER: 'x' } });
    const present = await request('POST', '/validate', user, { graph, environment: { API_BASE: 'https://x.test' } });

    expect(without.json()).toEqual({ valid: true, issues: [] });
    expect(missing.json().issues).toEqual([expect.objectContaining({ code: 'UNKNOWN_VARIABLE', node_id: 'end' })]);
    expect(present.json()).toEqual({ valid: true, issues: [] });
  });

  it.each([
    ['no graph', {}, 'body.graph'],
    ['nodes that are not a list', { graph: { nodes: 'start', edges: [] } }, 'body.graph.nodes'],
    ['a bad node id', { graph: { nodes: [{ id: '-x', type: 'start' }], edges: [] } }, 'body.graph.nodes.0.id'],
    ['an edge without a source', { graph: { nodes: [], edges: [{ target: 'end' }] } }, 'body.graph.edges.0.source'],
    ['an unknown field', { graph: simpleGraph, strict: true }, 'body'],
  ])('answers 422 only for a body without the graph shape: %s', async (_case, payload, field) => {
    expectValidationError(await request('POST', '/validate', user, payload), field);
  });
});

describe('webhook secret', () => {
  it('shows the same secret on every read, and stores it only sealed', async () => {
    const workflow = await createWorkflow();

    const first = await request('GET', `/${workflow.id}/webhook-secret`);
    const second = await request('GET', `/${workflow.id}/webhook-secret`);

    expect(first.statusCode).toBe(200);
    const { secret } = first.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(second.json()).toEqual({ secret });
    const [row] = await testApp.container.database.db.select().from(workflows).where(eq(workflows.id, workflow.id));
    expect(row!.webhookSecretSealed).toMatch(/^v1\./);
    expect(row!.webhookSecretSealed).not.toContain(secret);
  });

  it('gives every workflow its own secret', async () => {
    const first = await createWorkflow({ name: 'One' });
    const second = await createWorkflow({ name: 'Two' });

    const secrets = await Promise.all(
      [first, second].map(async (workflow) => (await request('GET', `/${workflow.id}/webhook-secret`)).json().secret),
    );

    expect(secrets[0]).not.toBe(secrets[1]);
  });

  it('rotates to a new secret, shown at once and from then on, without a new version', async () => {
    const workflow = await createWorkflow();
    const before = (await request('GET', `/${workflow.id}/webhook-secret`)).json().secret;
    testApp.clock.advance(5_000);

    const rotated = await request('POST', `/${workflow.id}/webhook-secret/rotate`);

    expect(rotated.statusCode).toBe(200);
    const after = rotated.json().secret;
    expect(after).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after).not.toBe(before);
    expect((await request('GET', `/${workflow.id}/webhook-secret`)).json()).toEqual({ secret: after });
    expect((await request('GET', `/${workflow.id}`)).json()).toMatchObject({ version: 1, updated_at: '2026-01-01T00:00:05.000Z' });
  });
});

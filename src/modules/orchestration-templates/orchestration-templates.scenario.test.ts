import { beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { useAppPerFile } from '../../test-kit/use-app-per-file.js';
import type { TestUser } from '../../test-kit/factories.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { askedInOrder, orchestrationUser, runsOf, sent } from '../orchestration/orchestration.test-helpers.js';

/** /api/v1/orchestration-templates: saved orchestrations, checked like runs, and run by id. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
let agent: Awaited<ReturnType<typeof orchestrationUser>>['agent'];

useAppPerFile((app) => {
  testApp = app;
});
beforeEach(async () => {
  ({ user, agent } = await orchestrationUser(testApp, server));
});

function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: object, owner: TestUser = user) {
  return testApp.app.inject({ method, url: `/api/v1/orchestration-templates${path}`, headers: owner.headers, ...(payload ? { payload } : {}) });
}

async function debateTemplate(name = 'Tea debate') {
  const [pro, con, judge] = [await agent('Pro'), await agent('Con'), await agent('Judge')];
  const created = await call('POST', '', { name, mode: 'debate', agent_ids: [pro.id, con.id], judge_agent_id: judge.id, rounds: 1 });
  return { template: created.json(), created, pro, con, judge };
}

describe('orchestration templates: CRUD', () => {
  it('creates, reads, lists, updates and deletes a template', async () => {
    const { template, created, pro, con, judge } = await debateTemplate();
    await call('POST', '', { name: 'Chain', mode: 'sequential', agent_ids: [pro.id] });

    const read = await call('GET', `/${template.id}`);
    const listed = await call('GET', '?mode=debate');
    const searched = await call('GET', '?search=chain');
    const updated = await call('PUT', `/${template.id}`, { name: 'Tea debate II', rounds: 3, description: 'longer' });
    const deleted = await call('DELETE', `/${template.id}`);
    const gone = await call('GET', `/${template.id}`);

    expect(created.statusCode).toBe(201);
    expect(template).toMatchObject({ name: 'Tea debate', description: '', mode: 'debate', agent_ids: [pro.id, con.id], judge_agent_id: judge.id, rounds: 1, owner_id: user.id });
    expect(read.json()).toEqual(template);
    expect(listed.json()).toMatchObject({ total: 1, items: [{ id: template.id }] });
    expect(searched.json()).toMatchObject({ total: 1, items: [{ name: 'Chain' }] });
    expect(updated.json()).toMatchObject({ name: 'Tea debate II', description: 'longer', rounds: 3, agent_ids: [pro.id, con.id] });
    expect(deleted.statusCode).toBe(204);
    expect(gone.statusCode).toBe(404);
  });

  it('drops the old mode fields when the mode changes, and removes a field given as null', async () => {
    const [a, b] = [await agent('A'), await agent('B')];
    const routed = (await call('POST', '', { name: 'Router', mode: 'route', agent_ids: [a.id, b.id], router_prompt: 'pick fast' })).json();

    const withoutPrompt = await call('PUT', `/${routed.id}`, { router_prompt: null });
    const incomplete = await call('PUT', `/${routed.id}`, { mode: 'pipeline' });
    const pipeline = await call('PUT', `/${routed.id}`, { mode: 'pipeline', stages: [{ name: 'one', agent_id: a.id }] });

    expect(withoutPrompt.json()).not.toHaveProperty('router_prompt');
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json().details.fields.map((entry: { field: string }) => entry.field)).toContain('body.stages');
    expect(pipeline.json()).toMatchObject({ name: 'Router', mode: 'pipeline', stages: [{ name: 'one', agent_id: a.id }] });
    expect(pipeline.json()).not.toHaveProperty('agent_ids');
  });

  it.each([
    [{ mode: 'pipeline', stages: [{ name: 'one' }] }, 'body.stages.0.agent_id'],
    [{ mode: 'pipeline', stages: [{ name: 'one', agent_id: 'AGENT' }, { name: 'one', agent_id: 'AGENT' }] }, 'body.stages.1.name'],
    [{ mode: 'debate', agent_ids: ['AGENT', 'AGENT'], judge_agent_id: 'AGENT' }, 'body.agent_ids'],
    [{ mode: 'debate', agent_ids: ['AGENT', 'OTHER'], judge_agent_id: 'AGENT', rounds: 0 }, 'body.rounds'],
    [{ mode: 'graph' }, 'body.workflow_config'],
    [{ mode: 'swarm', agent_ids: ['AGENT'] }, 'body.mode'],
  ])('answers 422 for %j and saves nothing', async (fields, field) => {
    const [first, second] = [await agent('First'), await agent('Second')];
    const payload = JSON.parse(JSON.stringify({ name: 'Bad', ...fields }).replaceAll('AGENT', first.id).replaceAll('OTHER', second.id));

    const response = await call('POST', '', payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect((await call('GET', '')).json().total).toBe(0);
  });

  it('answers 422 with the issues of a graph that cannot run, 409 for a name taken', async () => {
    const lead = await agent('Lead');
    const graph = { nodes: [{ id: 'a', type: 'agent' }, { id: 'b', type: 'sub_workflow', config: {} }], edges: [{ source: 'a', target: 'b' }] };
    await debateTemplate('Taken');

    const invalid = await call('POST', '', { name: 'Graph', mode: 'graph', agent_id: lead.id, workflow_config: graph });
    const taken = await call('POST', '', { name: 'Taken', mode: 'sequential', agent_ids: [lead.id] });

    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().details.issues).toContainEqual(expect.objectContaining({ code: 'NODE_TYPE_UNSUPPORTED', node_id: 'b' }));
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toBe('ORCHESTRATION_TEMPLATE_NAME_TAKEN');
  });

  it("answers 404 for another user's agents in a template, and for another user's template everywhere", async () => {
    const { template } = await debateTemplate();
    const other = await orchestrationUser(testApp, server);
    const foreign = await other.agent('Foreign');

    const withForeignAgent = await call('POST', '', { name: 'Mixed', mode: 'sequential', agent_ids: [foreign.id] });
    const answers = await Promise.all([
      call('GET', `/${template.id}`, undefined, other.user),
      call('PUT', `/${template.id}`, { name: 'mine now' }, other.user),
      call('DELETE', `/${template.id}`, undefined, other.user),
      call('POST', `/${template.id}/run`, { message: 'x' }, other.user),
    ]);

    expect([withForeignAgent.statusCode, withForeignAgent.json().error]).toEqual([404, 'AGENT_NOT_FOUND']);
    expect(answers.map((response) => [response.statusCode, response.json().error])).toEqual(Array(4).fill([404, 'ORCHESTRATION_TEMPLATE_NOT_FOUND']));
    expect((await call('GET', `/${template.id}`)).json().name).toBe('Tea debate');
    expect(server.requests).toHaveLength(0);
  });

  it('answers 401 without a token', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/v1/orchestration-templates' });

    expect(response.statusCode).toBe(401);
  });
});

describe('orchestration templates: run', () => {
  it('runs a saved debate as JSON; the run names the template', async () => {
    const { template } = await debateTemplate();
    server.enqueue({ text: 'Tea.' }, { text: 'Coffee.' }, { text: '{"verdict": "Tea", "reasons": ["calm"], "winner": "Pro"}' });

    const response = await call('POST', `/${template.id}/run`, { message: 'Tea or coffee?', stream: false });

    expect(response.statusCode).toBe(200);
    expect(askedInOrder(server)).toEqual(['Pro', 'Con', 'Judge']);
    expect(response.json()).toMatchObject({ mode: 'debate', content: 'Tea', verdict: { winner: { agent_name: 'Pro' }, reasons: ['calm'] } });
    const run = (await runsOf(testApp, user)).find((entry) => entry.id === response.json().run_id)!;
    expect(run.input).toMatchObject({ mode: 'debate', message: 'Tea or coffee?', template_id: template.id });
  });

  it('streams a saved pipeline by default', async () => {
    const [writer, critic] = [await agent('Writer'), await agent('Critic')];
    const stages = [
      { name: 'draft', agent_id: writer.id },
      { name: 'review', agent_id: critic.id, input: 'Check {{stages.draft.output}} for: {{input}}' },
    ];
    const template = (await call('POST', '', { name: 'Review', mode: 'pipeline', stages })).json();
    server.enqueue({ text: 'text' }, { text: 'fine' });

    const response = await call('POST', `/${template.id}/run`, { message: 'typos' });
    const events = parseEventStream(response.body);

    expect(response.headers['content-type']).toContain('text/event-stream');
    expect(sent(server, 1).user).toBe('Check text for: typos');
    expect(events.filter((event) => event.event === 'stage').map((event) => (event.data as { name: string; agent_name: string }).agent_name)).toEqual(['Writer', 'Critic']);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { mode: 'pipeline', content: 'fine', agent_name: 'Critic' } });
  });
});

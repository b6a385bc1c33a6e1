import { beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { useAppPerFile } from '../../test-kit/use-app-per-file.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { askedInOrder, orchestrationUser, runsOf, sent } from './orchestration.test-helpers.js';

/** POST /agents/{id}/execute in the multi-agent modes: the executing agent leads, the others follow. */
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

const usage = (prompt: number, completion: number) => ({ usage: { prompt_tokens: prompt, completion_tokens: completion } });

function execute(agentId: string, payload: object, owner: TestUser = user) {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${agentId}/execute`, headers: owner.headers, payload });
}

describe('execute: sequential', () => {
  it('asks this agent, then the others in order, each with the previous answer; child runs hang under the orchestration run', async () => {
    const [a, b, c] = [await agent('Alpha'), await agent('Beta'), await agent('Gamma')];
    server.enqueue({ text: 'outline', ...usage(10, 2) }, { text: 'draft', ...usage(20, 3) }, { text: 'final', ...usage(30, 4) });

    const response = await execute(a.id, { mode: 'sequential', message: 'Write about tea', agent_ids: [b.id, c.id] });

    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(askedInOrder(server)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect([0, 1, 2].map((index) => sent(server, index).user)).toEqual(['Write about tea', 'outline', 'draft']);
    expect(answer).toMatchObject({ mode: 'sequential', content: 'final', agent_id: c.id, agent_name: 'Gamma', token_usage: { prompt_tokens: 60, completion_tokens: 9, total_tokens: 69 } });
    expect(answer.turns.map((turn: { agent_name: string; step: number }) => [turn.agent_name, turn.step])).toEqual([['Alpha', 1], ['Beta', 2], ['Gamma', 3]]);
    const runs = await runsOf(testApp, user);
    const orchestration = runs.find((run) => run.id === answer.run_id)!;
    expect(orchestration).toMatchObject({ kind: 'orchestration', status: 'succeeded', agent_id: a.id, input: { mode: 'sequential', agent_ids: [a.id, b.id, c.id] } });
    const children = runs.filter((run) => run.parent_run_id === answer.run_id);
    expect(children.map((run) => run.id).sort()).toEqual(answer.turns.map((turn: { run_id: string }) => turn.run_id).sort());
  });
});

describe('execute: pipeline', () => {
  it('maps stage inputs from the message and earlier outputs; stages without agent are this agent', async () => {
    const [writer, critic] = [await agent('Writer'), await agent('Critic')];
    server.enqueue({ text: 'rain poem' }, { text: 'needs rhyme' }, { text: 'rhyming rain poem' });
    const stages = [
      { name: 'draft' },
      { name: 'review', agent_id: critic.id, input: 'Review: {{previous}}' },
      { name: 'revise', input: 'Task: {{input}} | Draft: {{stages.draft.output}} | Notes: {{stages.review.output}}' },
    ];

    const answer = (await execute(writer.id, { mode: 'pipeline', message: 'a poem', stages, output: '{{stages.revise.output}}.' })).json();

    expect(askedInOrder(server)).toEqual(['Writer', 'Critic', 'Writer']);
    expect([0, 1, 2].map((index) => sent(server, index).user)).toEqual(['a poem', 'Review: rain poem', 'Task: a poem | Draft: rain poem | Notes: needs rhyme']);
    expect(answer).toMatchObject({ mode: 'pipeline', content: 'rhyming rain poem.', agent_name: 'Writer' });
    expect(answer.turns.map((turn: { stage_name: string }) => turn.stage_name)).toEqual(['draft', 'review', 'revise']);
  });
});

describe('execute: debate', () => {
  it('lets the debaters argue each round with the transcript so far, then this agent judges', async () => {
    const [judge, pro, con] = [await agent('Judge'), await agent('Pro'), await agent('Con')];
    const verdict = { verdict: 'Tea wins', reasons: ['calmer', 'cheaper'], winner: 'Pro' };
    server.enqueue({ text: 'Tea calms.' }, { text: 'Coffee wakes.' }, { text: 'Calm beats awake.' }, { text: 'Awake beats calm.' }, { text: JSON.stringify(verdict) });

    const answer = (await execute(judge.id, { mode: 'debate', message: 'Tea or coffee?', agent_ids: [pro.id, con.id], rounds: 2 })).json();

    expect(askedInOrder(server)).toEqual(['Pro', 'Con', 'Pro', 'Con', 'Judge']);
    expect(sent(server, 1).user).toContain('[Round 1] Pro: Tea calms.');
    expect(sent(server, 2).user).toMatch(/Round 2 of 2[\s\S]*Pro: Tea calms\.[\s\S]*Con: Coffee wakes\./);
    expect(sent(server, 4).user).toContain('[Round 2] Con: Awake beats calm.');
    expect(sent(server, 4).system).toMatch(/You are Judge\.[\s\S]*judge of a debate/);
    expect(answer).toMatchObject({
      mode: 'debate',
      content: 'Tea wins',
      agent_name: 'Judge',
      rounds: 2,
      verdict: { verdict: 'Tea wins', reasons: ['calmer', 'cheaper'], winner: { agent_id: pro.id, agent_name: 'Pro' }, parsed: true },
    });
    expect(answer.turns.map((turn: { agent_name: string; round: number }) => `${turn.round}:${turn.agent_name}`)).toEqual(['1:Pro', '1:Con', '2:Pro', '2:Con']);
  });
});

describe('execute: graph', () => {
  it("runs this agent's workflow_config: agents as nodes, the condition choosing the edge", async () => {
    const publisher = await agent('Publisher');
    const editor = await agent('Editor');
    const workflow_config = {
      nodes: [
        { id: 'draft', type: 'agent', label: 'Draft' },
        { id: 'check', type: 'condition', config: { cases: [{ id: 'ok', conditions: [{ left: '{{draft.output.content}}', operator: 'contains', right: 'DONE' }] }] } },
        { id: 'publish', type: 'agent', config: { agent_id: publisher.id } },
        { id: 'fix', type: 'agent', config: { agent_id: editor.id } },
      ],
      edges: [
        { source: 'draft', target: 'check' },
        { source: 'check', target: 'publish', source_handle: 'ok' },
        { source: 'check', target: 'fix', source_handle: 'else' },
      ],
    };
    const writer = await agent('Writer', { workflow_config });
    server.enqueue({ text: 'A haiku. DONE' }, { text: 'Published the haiku.' });

    const answer = (await execute(writer.id, { mode: 'graph', message: 'Write a haiku' })).json();

    expect(askedInOrder(server)).toEqual(['Writer', 'Publisher']);
    expect(sent(server, 1).user).toBe('A haiku. DONE');
    expect(answer).toMatchObject({ mode: 'graph', content: 'Published the haiku.', agent_name: 'Publisher', output: { content: 'Published the haiku.' } });
    expect(answer.turns.map((turn: { node_id: string }) => turn.node_id)).toEqual(['draft', 'publish']);
  });
});

describe('execute: graph, parallel branches', () => {
  //   start -> pro ---> sum (template) -> end
  //        \-> con -/
  it('lets agents on parallel branches speak at once, each turn labelled with its node', async () => {
    const [pro, con] = [await agent('Pro'), await agent('Con')];
    const workflow_config = {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'pro', type: 'agent', config: { agent_id: pro.id, message: 'For: {{start.input.message}}' } },
        { id: 'con', type: 'agent', config: { agent_id: con.id, message: 'Against: {{start.input.message}}' } },
        { id: 'sum', type: 'template', config: { template: '{{pro.output.content}} | {{con.output.content}}' } },
        { id: 'end', type: 'end', config: { outputs: { content: '{{sum.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'pro' },
        { source: 'start', target: 'con' },
        { source: 'pro', target: 'sum' },
        { source: 'con', target: 'sum' },
        { source: 'sum', target: 'end' },
      ],
    };
    const lead = await agent('Lead', { workflow_config });
    server.enqueue({ text: 'one side' }, { text: 'one side' });

    const response = await execute(lead.id, { mode: 'graph', message: 'tea', stream: true });

    const events = parseEventStream(response.body);
    const turnEvents = events.filter((event) => event.event === 'agent_start' || event.event === 'agent_done').map((event) => event.event);
    // Both agents started before either finished: the branches ran at once.
    expect(turnEvents).toEqual(['agent_start', 'agent_start', 'agent_done', 'agent_done']);
    const started = events.filter((event) => event.event === 'agent_start').map((event) => event.data as { agent_name: string; node_id: string });
    expect(started.map((data) => `${data.node_id}:${data.agent_name}`).sort()).toEqual(['con:Con', 'pro:Pro']);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { content: 'one side | one side' } });
    expect(server.requests.map((_, index) => sent(server, index).user).sort()).toEqual(['Against: tea', 'For: tea']);
  });
});

describe('execute: agent mode', () => {
  it('streams one turn as SSE with stream: true', async () => {
    const solo = await agent('Solo');
    server.enqueue({ text: 'hello there' });

    const response = await execute(solo.id, { message: 'hi', stream: true });

    const events = parseEventStream(response.body);
    expect(response.headers['x-run-id']).toBeDefined();
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { content: 'hello there' } });
    expect(events.filter((event) => event.event === 'token').length).toBeGreaterThan(0);
  });
});

describe('execute: refusals', () => {
  it.each([
    [{ mode: 'swarm', message: 'x' }, 'body.mode'],
    [{ mode: 'sequential', message: 'x' }, 'body.agent_ids'],
    [{ mode: 'sequential', message: 'x', agent_ids: Array.from({ length: 10 }, () => crypto.randomUUID()) }, 'body.agent_ids'],
    [{ mode: 'sequential', message: 'x', agent_ids: [crypto.randomUUID()], session_id: crypto.randomUUID() }, 'body'],
    [{ mode: 'debate', message: 'x', agent_ids: [crypto.randomUUID(), crypto.randomUUID()], rounds: 11 }, 'body.rounds'],
    [{ mode: 'debate', message: 'x', agent_ids: Array(2).fill('5b0f9a54-58b2-4c1e-9c43-1e4b1e0e3a11') }, 'body.agent_ids'],
    [{ mode: 'pipeline', message: 'x', stages: Array.from({ length: 21 }, (_, index) => ({ name: `s${index}` })) }, 'body.stages'],
    [{ mode: 'pipeline', message: 'x', stages: [{ name: 'a', input: '{{stages.b.output}}' }, { name: 'b' }] }, 'body.stages.0.input'],
  ])('answers 422 for %j and asks no model', async (payload, field) => {
    const self = await agent('Self');

    const response = await execute(self.id, payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(server.requests).toHaveLength(0);
    expect(await runsOf(testApp, user)).toEqual([]);
  });

  it('answers 422 for graph mode without a graph, and with every problem of an invalid one', async () => {
    const plain = await agent('Plain');
    const broken = await agent('Broken', { workflow_config: { nodes: [{ id: 'a', type: 'agent' }, { id: 'b', type: 'human_approval' }], edges: [{ source: 'a', target: 'b' }] } });

    const missing = await execute(plain.id, { mode: 'graph', message: 'x' });
    const invalid = await execute(broken.id, { mode: 'graph', message: 'x' });

    expect(missing.statusCode).toBe(422);
    expect(missing.json().error).toBe('ORCHESTRATION_GRAPH_MISSING');
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({ error: 'ORCHESTRATION_GRAPH_INVALID' });
    expect(invalid.json().details.issues).toContainEqual(expect.objectContaining({ code: 'NODE_TYPE_UNSUPPORTED', node_id: 'b', path: 'nodes.1.type' }));
    expect(server.requests).toHaveLength(0);
  });

  it("answers 404 for another user's agent anywhere in the request, and starts nothing", async () => {
    const mine = await agent('Mine');
    const stranger = await createUser(testApp);
    const theirs = (await orchestrationUser(testApp, server)).agent;
    const foreign = await theirs('Foreign');

    const asFollower = await execute(mine.id, { mode: 'sequential', message: 'x', agent_ids: [foreign.id] });
    const asJudge = await execute(mine.id, { mode: 'debate', message: 'x', agent_ids: [mine.id, (await agent('Other')).id], judge_agent_id: foreign.id });
    const asStage = await execute(mine.id, { mode: 'pipeline', message: 'x', stages: [{ name: 'a', agent_id: foreign.id }] });
    const notYours = await execute(mine.id, { mode: 'sequential', message: 'x', agent_ids: [mine.id] }, stranger);

    expect([asFollower, asJudge, asStage, notYours].map((response) => [response.statusCode, response.json().error])).toEqual(Array(4).fill([404, 'AGENT_NOT_FOUND']));
    expect(server.requests).toHaveLength(0);
    expect(await runsOf(testApp, user)).toEqual([]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { readEventStream, type ReceivedEvent } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { askedInOrder, orchestrationUser, runsOf, sent, speakers } from './orchestration.test-helpers.js';

/** POST /agent-chat/orchestrate and /orchestrate/graph over a real socket: who speaks, streamed, cancelled. */
const server = useModelServer();
let testApp: TestApp;
let address: string;
let user: TestUser;
let agent: Awaited<ReturnType<typeof orchestrationUser>>['agent'];

beforeAll(async () => {
  testApp = await buildTestApp();
  address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await testApp.close();
});
beforeEach(async () => {
  ({ user, agent } = await orchestrationUser(testApp, server));
});

function post(path: string, body: object, owner: TestUser = user) {
  return fetch(`${address}/api/v1/${path}`, { method: 'POST', headers: { ...owner.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function collect(response: Response | AsyncGenerator<ReceivedEvent>): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  for await (const event of response instanceof Response ? readEventStream(response) : response) events.push(event);
  return events;
}

/** Consecutive repeats folded: who did what, in order. */
const story = (events: readonly ReceivedEvent[]) =>
  speakers(events)
    .map(([event, name]) => `${event}:${String(name)}`)
    .filter((entry, index, all) => entry !== all[index - 1]);

describe('route', () => {
  it('lets the router pick the agent with a reason, streams it speaking under its name, and sums the usage', async () => {
    const [billing, support] = [await agent('Billing', { description: 'invoices' }), await agent('Support', { description: 'bugs' })];
    server.enqueue(
      { text: JSON.stringify({ agent_id: support.id, reason: 'the app crashes: a technical problem' }), usage: { prompt_tokens: 50, completion_tokens: 10 } },
      { text: 'Try restarting it.', usage: { prompt_tokens: 7, completion_tokens: 3 } },
    );

    const response = await post('agent-chat/orchestrate', { mode: 'route', message: 'The app crashes', agent_ids: [billing.id, support.id], router_prompt: 'Be decisive' });
    const events = await collect(response);
    const runId = response.headers.get('x-run-id')!;

    expect(sent(server, 0)).toMatchObject({ user: 'The app crashes' });
    expect(sent(server, 0).system).toMatch(new RegExp(`${billing.id}[\\s\\S]*${support.id}[\\s\\S]*Be decisive`));
    expect(askedInOrder(server)[1]).toBe('Support');
    expect(story(events)).toEqual(['route:Support', 'agent_start:Support', 'token:Support', 'agent_done:Support', 'done:Support']);
    expect(events[0]!.data).toMatchObject({ agent_id: support.id, reason: 'the app crashes: a technical problem', candidates: [{ agent_name: 'Billing' }, { agent_name: 'Support' }] });
    expect(events.every((event) => 'agent_id' in (event.data as object) && 'agent_name' in (event.data as object))).toBe(true);
    expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)!.data).toMatchObject({
      mode: 'route',
      content: 'Try restarting it.',
      route: { agent_id: support.id, reason: 'the app crashes: a technical problem' },
      token_usage: { prompt_tokens: 57, completion_tokens: 13, total_tokens: 70 },
      run_id: runId,
    });
    expect(await collect(await fetch(`${address}/api/v1/runs/${runId}/events`, { headers: user.headers }))).toEqual(events);
  });

  it('fails clearly when the router picks no candidate, and asks no agent', async () => {
    const [a, b] = [await agent('Alpha'), await agent('Beta')];
    server.enqueue({ text: JSON.stringify({ agent_id: 'Gamma', reason: 'why not' }) });

    const response = await post('agent-chat/orchestrate', { mode: 'route', message: 'hi', agent_ids: [a.id, b.id], stream: false });

    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'ORCHESTRATION_ROUTE_INVALID', message: expect.stringContaining('Gamma') });
    expect(server.requests).toHaveLength(1);
  });
});

describe('sequential', () => {
  it('streams each agent in turn, tokens under the speaking agent', async () => {
    const [a, b] = [await agent('Alpha'), await agent('Beta')];
    server.enqueue({ text: 'one two' }, { text: 'three four' });

    const events = await collect(await post('agent-chat/orchestrate', { mode: 'sequential', message: 'count', agent_ids: [a.id, b.id] }));

    expect(story(events)).toEqual(['agent_start:Alpha', 'token:Alpha', 'agent_done:Alpha', 'agent_start:Beta', 'token:Beta', 'agent_done:Beta', 'done:Beta']);
    expect(events.find((event) => event.event === 'agent_start' && (event.data as { agent_name: string }).agent_name === 'Beta')!.data).toMatchObject({ message: 'one two', step: 2 });
    expect(sent(server, 1).user).toBe('one two');
  });
});

describe('debate', () => {
  it('is cancelled mid-debate by POST /runs/{id}/cancel: the speaker stops and nobody speaks after', async () => {
    const [pro, con, judge] = [await agent('Pro'), await agent('Con'), await agent('Judge')];
    server.enqueue({ text: 'Opening.' }, { text: 'word '.repeat(60), chunkDelayMs: 50 });

    const response = await post('agent-chat/orchestrate', { mode: 'debate', message: 'Cats or dogs?', agent_ids: [pro.id, con.id], judge_agent_id: judge.id, rounds: 3 });
    const runId = response.headers.get('x-run-id')!;
    const stream = readEventStream(response);
    const seen: ReceivedEvent[] = [];
    // next(), not for-await: leaving a for-await loop would close the stream.
    for (let next = await stream.next(); !next.done; next = await stream.next()) {
      seen.push(next.value);
      if (next.value.event === 'token' && (next.value.data as { agent_name: string }).agent_name === 'Con') break;
    }
    const cancelled = await post(`runs/${runId}/cancel`, {});
    const rest = await collect(stream);

    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    expect((await server.waitForAbort(1)).aborted).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(rest.at(-1)).toMatchObject({ event: 'error', data: { error: 'RUN_CANCELLED', agent_id: null, agent_name: 'orchestrator' } });
    expect(rest.some((event) => event.event === 'agent_start' || event.event === 'verdict')).toBe(false);
    expect(story(seen).slice(0, 4)).toEqual(['round:orchestrator', 'agent_start:Pro', 'token:Pro', 'agent_done:Pro']);
    const children = (await runsOf(testApp, user)).filter((run) => run.parent_run_id === runId);
    expect(children.map((run) => run.status).sort()).toEqual(['cancelled', 'succeeded']);
  });

  it("answers JSON with stream: false, and says when the judge's verdict was not JSON", async () => {
    const [pro, con, judge] = [await agent('Pro'), await agent('Con'), await agent('Judge')];
    server.enqueue({ text: 'Cats.' }, { text: 'Dogs.' }, { text: 'Dogs, clearly.' });

    const response = await post('agent-chat/orchestrate', { mode: 'debate', message: 'Cats or dogs?', agent_ids: [pro.id, con.id], judge_agent_id: judge.id, rounds: 1, stream: false });
    const answer = await response.json();

    expect(response.status).toBe(200);
    expect(askedInOrder(server)).toEqual(['Pro', 'Con', 'Judge']);
    expect(answer).toMatchObject({
      mode: 'debate',
      agent_name: 'Judge',
      content: 'Dogs, clearly.',
      verdict: { verdict: 'Dogs, clearly.', reasons: [], winner: null, parsed: false, problem: expect.stringContaining('not JSON') },
    });
  });
});

describe('graph', () => {
  it('runs an inline workflow_config with agents as nodes; a node without agent is agent_id', async () => {
    const [lead, helper] = [await agent('Lead'), await agent('Helper')];
    server.enqueue({ text: 'plan' }, { text: 'work done' });
    const workflow_config = {
      nodes: [
        { id: 'plan', type: 'agent' },
        { id: 'work', type: 'agent', config: { agent_id: helper.id, message: 'Do: {{plan.output.content}}' } },
        { id: 'end', type: 'end', config: { outputs: { result: '{{work.output.content}}' } } },
      ],
      edges: [
        { source: 'plan', target: 'work' },
        { source: 'work', target: 'end' },
      ],
    };

    const events = await collect(await post('agent-chat/orchestrate/graph', { message: 'build it', agent_id: lead.id, workflow_config }));

    expect(askedInOrder(server)).toEqual(['Lead', 'Helper']);
    expect(sent(server, 1).user).toBe('Do: plan');
    expect(story(events).filter((entry) => !entry.startsWith('token'))).toEqual([
      'stage:orchestrator',
      'agent_start:Lead',
      'agent_done:Lead',
      'stage:orchestrator',
      'agent_start:Helper',
      'agent_done:Helper',
      'done:Helper',
    ]);
    expect(events.at(-1)!.data).toMatchObject({ mode: 'graph', content: 'work done', output: { result: 'work done' } });
  });
});

describe('refusals', () => {
  it.each([
    [{ mode: 'pipeline', message: 'x', agent_ids: [crypto.randomUUID()] }, 'body.mode'],
    [{ mode: 'route', message: 'x', agent_ids: [crypto.randomUUID()] }, 'body.agent_ids'],
    [{ mode: 'debate', message: 'x', agent_ids: [crypto.randomUUID(), crypto.randomUUID()] }, 'body.judge_agent_id'],
    [{ mode: 'sequential', message: 'x', agent_ids: Array.from({ length: 11 }, () => crypto.randomUUID()) }, 'body.agent_ids'],
    [{ mode: 'sequential', message: '  ', agent_ids: [crypto.randomUUID()] }, 'body.message'],
  ])('answers 422 for %j', async (payload, field) => {
    const response = await post('agent-chat/orchestrate', payload);

    expect(response.status).toBe(422);
    const body = (await response.json()) as { details: { fields: Array<{ field: string }> } };
    expect(body.details.fields.map((entry) => entry.field)).toContain(field);
    expect(server.requests).toHaveLength(0);
  });

  it("answers 404 for another user's agent as a candidate, a judge or a graph node; 422 for a graph without graph", async () => {
    const mine = [await agent('One'), await agent('Two')];
    const foreign = await (await orchestrationUser(testApp, server)).agent('Foreign');
    const graph = { nodes: [{ id: 'a', type: 'agent', config: { agent_id: foreign.id } }], edges: [] };

    const answers = await Promise.all([
      post('agent-chat/orchestrate', { mode: 'route', message: 'x', agent_ids: [mine[0]!.id, foreign.id] }),
      post('agent-chat/orchestrate', { mode: 'debate', message: 'x', agent_ids: [mine[0]!.id, mine[1]!.id], judge_agent_id: foreign.id }),
      post('agent-chat/orchestrate/graph', { message: 'x', workflow_config: graph }),
      post('agent-chat/orchestrate/graph', { message: 'x' }),
    ]);

    expect(answers.map((response) => response.status)).toEqual([404, 404, 404, 422]);
    expect(server.requests).toHaveLength(0);
    expect(await runsOf(testApp, user)).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { useAppPerFile } from '../../test-kit/use-app-per-file.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** Main agents: promotion, delegation to sub-agents as tools, the depth limit and loop detection. */
const server = useModelServer();
let testApp: TestApp;

useAppPerFile((app) => {
  testApp = app;
});

/** A fresh user with agents of these names. */
async function team(names: string[]) {
  const user = await createUser(testApp);
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl });
  const agents = [];
  for (const name of names) {
    agents.push(await createAgent(testApp, user, { name, description: `The ${name.toLowerCase()} of the team`, model_config_id: config.id }));
  }
  return { user, agents, ids: agents.map((agent) => agent.id) };
}

function request(user: TestUser, method: 'GET' | 'POST', path: string, payload?: object) {
  return testApp.app.inject({ method, url: `/api/v1/${path}`, headers: user.headers, ...(payload ? { payload } : {}) });
}

const promote = (user: TestUser, agentId: string, body: object) => request(user, 'POST', `agents/${agentId}/create-main-agent`, body);
const chat = async (user: TestUser, agentId: string, message: string) => (await request(user, 'POST', `agent-chat/${agentId}`, { message })).json();
const delegate = (tool: string, task: string) => ({ toolCalls: [{ name: `delegate_to_${tool}`, arguments: { task } }] });

type Message = { role: string; content: string };
const messagesOf = (index: number) => server.requests[index]!.body!.messages as Message[];
const toolResults = (index: number) => messagesOf(index).filter((message) => message.role === 'tool').map((message) => message.content);
const toolsOf = (index: number) =>
  (server.requests[index]!.body!.tools ?? []) as Array<{ function: { name: string; description: string } }>;

describe('POST /api/v1/agents/{agent_id}/create-main-agent', () => {
  it('promotes an agent: the coordination is stored as a new version; other agents show none', async () => {
    const { user, ids } = await team(['Lead', 'Researcher', 'Writer']);

    const response = await promote(user, ids[0]!, { sub_agent_ids: [ids[1], ids[2]] });
    const stored = (await request(user, 'GET', `agents/${ids[0]}`)).json();
    const versions = (await request(user, 'GET', `agents/${ids[0]}/versions`)).json();
    const exported = await request(user, 'GET', `agents/${ids[0]}/export`);
    const plain = (await request(user, 'GET', `agents/${ids[1]}`)).json();

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ids[0], version: 2, coordination: { sub_agent_ids: [ids[1], ids[2]], max_delegation_depth: 3 } });
    expect(stored).toEqual(response.json());
    expect(versions[0]).toMatchObject({ version: 2, definition: { coordination: { sub_agent_ids: [ids[1], ids[2]] } } });
    expect(versions[1].definition.coordination).toBeUndefined();
    // Sub-agent ids name rows of this account, like a model config id: an export leaves them out.
    expect(exported.statusCode).toBe(200);
    expect(exported.json().agent.coordination).toBeUndefined();
    expect(plain).not.toHaveProperty('coordination');
  });

  it('refuses bad set-ups with 422 and changes nothing', async () => {
    const { user, ids } = await team(['Lead', 'Helper']);
    const eleven = Array.from({ length: 11 }, () => randomUUID());
    const bodies = [
      { sub_agent_ids: [ids[0]] },
      { sub_agent_ids: [ids[1], ids[0]] },
      { sub_agent_ids: [] },
      { sub_agent_ids: eleven },
      { sub_agent_ids: [ids[1], ids[1]] },
      { sub_agent_ids: [ids[1]], max_delegation_depth: 0 },
      { sub_agent_ids: [ids[1]], max_delegation_depth: 6 },
      { sub_agent_ids: ['not-a-uuid'] },
      { sub_agent_ids: [ids[1]], extra: true },
    ];

    const responses = [];
    for (const body of bodies) responses.push(await promote(user, ids[0]!, body));

    expect(responses.map((response) => response.statusCode)).toEqual(bodies.map(() => 422));
    expect(responses[0]!.json()).toMatchObject({ error: 'VALIDATION_ERROR', details: { fields: [{ field: 'body.sub_agent_ids.0' }] } });
    expect(responses[1]!.json().details.fields[0].field).toBe('body.sub_agent_ids.1');
    expect((await request(user, 'GET', `agents/${ids[0]}`)).json()).toMatchObject({ version: 1 });
  });

  it("answers 404 for another user's agent, as the main agent or as a sub-agent, and 401 without a token", async () => {
    const { user, ids } = await team(['Lead', 'Helper']);
    const stranger = await team(['Foreign']);

    const foreignSub = await promote(user, ids[0]!, { sub_agent_ids: [ids[1], stranger.ids[0]] });
    const foreignMain = await promote(user, stranger.ids[0]!, { sub_agent_ids: [ids[1]] });
    const anonymous = await testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${ids[0]}/create-main-agent`, payload: { sub_agent_ids: [ids[1]] } });

    expect(foreignSub.statusCode).toBe(404);
    expect(foreignSub.json()).toMatchObject({ error: 'AGENT_NOT_FOUND', details: { id: stranger.ids[0] } });
    expect(foreignMain.statusCode).toBe(404);
    expect(anonymous.statusCode).toBe(401);
    expect((await request(user, 'GET', `agents/${ids[0]}`)).json()).toMatchObject({ version: 1 });
    expect((await request(stranger.user, 'GET', `agents/${stranger.ids[0]}`)).json()).toMatchObject({ version: 1 });
  });
});

describe('a main agent delegates to its sub-agents', () => {
  it('gets one delegate_to_<name> tool per sub-agent; the sub-agent answers as a child run', async () => {
    const { user, ids } = await team(['Lead', 'Researcher', 'Writer']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1], ids[2]] });
    server.enqueue(delegate('researcher', 'Find the boiling point of water'), { text: '100 °C at sea level.' }, { text: 'Water boils at 100 °C.' });

    const answer = await chat(user, ids[0]!, 'When does water boil?');
    const runs = (await request(user, 'GET', 'runs')).json().items as Array<Record<string, unknown>>;

    expect(answer.content).toBe('Water boils at 100 °C.');
    expect(toolsOf(0).map((tool) => tool.function.name)).toEqual(['delegate_to_researcher', 'delegate_to_writer']);
    expect(toolsOf(0)[0]!.function.description).toContain('The researcher of the team');
    expect(messagesOf(1).at(-1)).toMatchObject({ role: 'user', content: 'Find the boiling point of water' });
    expect(toolsOf(1)).toEqual([]);
    expect(JSON.parse(toolResults(2)[0]!)).toMatchObject({ agent_id: ids[1], agent_name: 'Researcher', content: '100 °C at sea level.', depth: 1 });
    expect(runs.find((run) => run.agent_id === ids[1])).toMatchObject({ parent_run_id: answer.run_id, status: 'succeeded' });
  });

  it('refuses delegation deeper than the main agent allows (DELEGATION_DEPTH_LIMIT)', async () => {
    const { user, ids } = await team(['Lead', 'Manager', 'Worker']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1]], max_delegation_depth: 1 });
    await promote(user, ids[1]!, { sub_agent_ids: [ids[2]] });
    server.enqueue(delegate('manager', 'Organise the work'), delegate('worker', 'Do the work'), { text: 'Organised without help.' }, { text: 'All done.' });

    const answer = await chat(user, ids[0]!, 'Get it done');

    expect(answer.content).toBe('All done.');
    expect(server.requests).toHaveLength(4);
    expect(toolResults(2)[0]).toContain('DELEGATION_DEPTH_LIMIT: Lead lets delegation go at most 1 level(s) deep');
    expect(JSON.parse(toolResults(3)[0]!)).toMatchObject({ agent_name: 'Manager', content: 'Organised without help.' });
  });

  it('lets delegation go as deep as the main agent allows', async () => {
    const { user, ids } = await team(['Lead', 'Manager', 'Worker']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1]], max_delegation_depth: 2 });
    await promote(user, ids[1]!, { sub_agent_ids: [ids[2]] });
    server.enqueue(delegate('manager', 'Organise the work'), delegate('worker', 'Do the work'), { text: 'Worked.' }, { text: 'Managed.' }, { text: 'Led.' });

    const answer = await chat(user, ids[0]!, 'Get it done');

    expect(answer.content).toBe('Led.');
    expect(JSON.parse(toolResults(3)[0]!)).toMatchObject({ agent_name: 'Worker', content: 'Worked.', depth: 2 });
  });

  it('stops a task going in circles between main agents (DELEGATION_LOOP) and lets the agent answer with what it has', async () => {
    const { user, ids } = await team(['Alpha', 'Beta']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1]] });
    await promote(user, ids[1]!, { sub_agent_ids: [ids[0]] });
    server.enqueue(delegate('beta', 'Plan the trip'), delegate('alpha', 'plan the trip.'), { text: 'A partial plan.' }, { text: 'The plan.' });

    const answer = await chat(user, ids[0]!, 'Plan the trip');

    expect(answer.content).toBe('The plan.');
    expect(server.requests).toHaveLength(4);
    expect(toolResults(2)[0]).toContain('DELEGATION_LOOP');
    expect(toolResults(2)[0]).toContain('already working on this same task');
  });

  it('refuses the same delegation a third time within one turn (DELEGATION_LOOP)', async () => {
    const { user, ids } = await team(['Lead', 'Helper']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1]] });
    server.enqueue(
      delegate('helper', 'Summarise the notes'),
      { text: 'summary one' },
      delegate('helper', 'summarise the notes'),
      { text: 'summary two' },
      delegate('helper', 'Summarise the notes!'),
      { text: 'Here is the summary.' },
    );

    const answer = await chat(user, ids[0]!, 'Notes please');

    expect(answer.content).toBe('Here is the summary.');
    expect(server.requests).toHaveLength(6);
    expect(toolResults(5)).toHaveLength(3);
    expect(toolResults(5)[2]).toContain('DELEGATION_LOOP: this task already went to that agent 2 times in this turn');
  });

  it('keeps its delegation tools, and its whole depth, inside a swarm', async () => {
    const { user, ids } = await team(['Lead', 'Helper', 'Peer']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1]], max_delegation_depth: 1 });
    server.enqueue(delegate('helper', 'Look it up'), { text: 'Found it.' }, { text: 'The answer.' });

    const response = await request(user, 'POST', 'swarm/run', { message: 'Question', agent_ids: [ids[0], ids[2]] });

    expect(response.json()).toMatchObject({ result: 'The answer.', stopped: 'answered' });
    expect(toolsOf(0).map((tool) => tool.function.name).sort()).toEqual(['blackboard_read', 'blackboard_write', 'delegate_to_helper', 'handoff']);
    expect(JSON.parse(toolResults(2)[0]!)).toMatchObject({ agent_name: 'Helper', content: 'Found it.', depth: 1 });
  });

  it('drops the tool of a sub-agent deleted since the promotion', async () => {
    const { user, ids } = await team(['Lead', 'Researcher', 'Writer']);
    await promote(user, ids[0]!, { sub_agent_ids: [ids[1], ids[2]] });
    await testApp.app.inject({ method: 'DELETE', url: `/api/v1/agents/${ids[2]}`, headers: user.headers });
    server.enqueue({ text: 'ok' });

    await chat(user, ids[0]!, 'hi');

    expect(toolsOf(0).map((tool) => tool.function.name)).toEqual(['delegate_to_researcher']);
  });
});

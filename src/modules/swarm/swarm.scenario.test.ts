import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { useAppPerFile } from '../../test-kit/use-app-per-file.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import type { ScriptedToolCall } from '../../test-kit/model-server/model-server.script.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** Swarms through the scripted model server: who speaks in which order, with what, and how it ends. */
const server = useModelServer();
let testApp: TestApp;

useAppPerFile((app) => {
  testApp = app;
});

/** A fresh user with agents of these names (each with a description and its own system prompt). */
async function swarmOf(names: string[]) {
  const user = await createUser(testApp);
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl });
  const agents = [];
  for (const name of names) {
    agents.push(
      await createAgent(testApp, user, { name, description: `${name} of the team`, system_prompt: `You are ${name}.`, model_config_id: config.id }),
    );
  }
  return { user, agents, ids: agents.map((agent) => agent.id) };
}

function post(user: TestUser, path: string, payload: object) {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/${path}`, headers: user.headers, payload });
}

async function get(user: TestUser, path: string) {
  return (await testApp.app.inject({ url: `/api/v1/${path}`, headers: user.headers })).json();
}

const call = (name: string, args: Record<string, unknown>): ScriptedToolCall => ({ name, arguments: args });
const handoff = (agent: string, reason: string, context = '') => call('handoff', { agent, reason, context });

type Message = { role: string; content: unknown };
const messagesOf = (index: number) => server.requests[index]!.body!.messages as Message[];
const userMessage = (index: number) => String(messagesOf(index).filter((message) => message.role === 'user').at(-1)!.content);
const systemOf = (index: number) => String(messagesOf(index).find((message) => message.role === 'system')?.content ?? '');
const toolResults = (index: number) => messagesOf(index).filter((message) => message.role === 'tool').map((message) => JSON.stringify(message.content));
const toolNames = (index: number) => (server.requests[index]!.body!.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name);

describe('POST /api/v1/swarm/run', () => {
  it('passes control along hand-offs; each agent gets the request, the hand-off and the blackboard; child runs and usage add up', async () => {
    const { user, ids } = await swarmOf(['Planner', 'Researcher', 'Writer']);
    server.enqueue(
      // An accepted hand-off ends the agent's turn: no closing model call follows it.
      { toolCalls: [handoff('researcher', 'needs facts', 'find what causes tides')] },
      { toolCalls: [call('blackboard_write', { key: 'facts', value: ['the moon pulls the sea'] }), handoff('Writer', 'facts found', 'write it up')] },
      { text: 'Tides come from the moon.' },
    );

    const response = await post(user, 'swarm/run', { message: 'Why are there tides?', agent_ids: ids });
    const body = response.json();
    const runs = (await get(user, 'runs?page_size=50')).items as Array<Record<string, unknown>>;
    const children = runs.filter((run) => run.parent_run_id === body.run_id);

    expect(response.statusCode).toBe(200);
    expect(body).toMatchObject({
      mode: 'swarm',
      result: 'Tides come from the moon.',
      stopped: 'answered',
      final_agent_id: ids[2],
      final_agent_name: 'Writer',
      blackboard: { facts: ['the moon pulls the sea'] },
      handoffs: [
        { from_agent_name: 'Planner', to_agent_name: 'Researcher', reason: 'needs facts', context: 'find what causes tides' },
        { from_agent_name: 'Researcher', to_agent_name: 'Writer', reason: 'facts found', context: 'write it up' },
      ],
    });
    expect(body.turns.map((turn: { agent_name: string }) => turn.agent_name)).toEqual(['Planner', 'Researcher', 'Writer']);
    expect(Object.keys(body.sessions).sort()).toEqual([...ids].sort());
    // What each agent received: its own prompt and the swarm's rules, the request, then the hand-off.
    expect(server.requests).toHaveLength(3);
    expect(systemOf(0)).toContain('You are Planner.');
    expect(systemOf(0)).toContain('- researcher: Researcher (Researcher of the team)');
    expect(toolNames(0)).toEqual(expect.arrayContaining(['handoff', 'blackboard_read', 'blackboard_write']));
    expect(userMessage(0)).toBe('Why are there tides?');
    expect(systemOf(1)).toContain('You are Researcher.');
    expect(userMessage(1)).toContain('Why are there tides?');
    expect(userMessage(1)).toContain('[Handed off to you by Planner]\nReason: needs facts\nContext: find what causes tides');
    expect(userMessage(2)).toContain('Reason: facts found\nContext: write it up');
    expect(userMessage(2)).toContain('[Blackboard]\n{"facts":["the moon pulls the sea"]}');
    // Every turn is a child run of the swarm's run, and the swarm's usage is theirs summed.
    const swarmRun = await get(user, `runs/${body.run_id}`);
    expect(swarmRun).toMatchObject({ kind: 'swarm', status: 'succeeded', input: { mode: 'swarm', agent_ids: ids, max_handoffs: 5 } });
    expect(children.map((run) => run.agent_id).sort()).toEqual(body.turns.map((turn: { agent_id: string }) => turn.agent_id).sort());
    const childTotal = children.reduce((sum, run) => sum + (run.token_usage as { total_tokens: number }).total_tokens, 0);
    expect(body.token_usage.total_tokens).toBe(childTotal);
    expect(swarmRun.token_usage.total_tokens).toBe(childTotal);
  });

  it('stops at the hand-off limit with stopped: handoff_limit; the refused agent answers with what it has', async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    server.enqueue(
      { toolCalls: [handoff('alpha', 'your turn')] },
      { toolCalls: [handoff('beta', 'back to you')] },
      { text: 'Best effort answer.' },
    );

    const response = await post(user, 'swarm/run', { message: 'Go', agent_ids: ids, entry_agent_id: ids[1], max_handoffs: 1 });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      stopped: 'handoff_limit',
      result: 'Best effort answer.',
      final_agent_name: 'Alpha',
      handoffs: [{ from_agent_name: 'Beta', to_agent_name: 'Alpha' }],
    });
    expect(systemOf(0)).toContain('You are Beta.');
    expect(systemOf(1)).toContain('No more hand-offs are allowed');
    // A refused hand-off does not end the turn: the agent is asked again, with the refusal.
    expect(toolResults(2)[0]).toContain('SWARM_HANDOFF_LIMIT');
  });

  it('answers a hand-off to an agent outside the swarm with a tool error listing the members', async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    server.enqueue({ toolCalls: [handoff('critic', 'needs review')] }, { text: 'I answer myself.' });

    const body = (await post(user, 'swarm/run', { message: 'Go', agent_ids: ids })).json();

    expect(body).toMatchObject({ stopped: 'answered', result: 'I answer myself.', handoffs: [] });
    expect(toolResults(1)[0]).toContain('SWARM_UNKNOWN_AGENT');
    expect(toolResults(1)[0]).toContain('hand off to one of: alpha, beta');
  });
});

describe('swarm sessions', () => {
  it("continues each agent's conversation when an earlier run's sessions are passed back; a foreign session is 404", async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    server.enqueue({ text: 'First answer.' }, { text: 'Second answer.' });

    const first = (await post(user, 'swarm/run', { message: 'First question', agent_ids: ids })).json();
    const second = (await post(user, 'swarm/run', { message: 'Follow-up', agent_ids: ids, sessions: first.sessions })).json();
    const wrong = await post(user, 'swarm/run', { message: 'Again', agent_ids: ids, entry_agent_id: ids[1], sessions: { [ids[1]!]: first.sessions[ids[0]!] } });
    // A wrong session of an agent that would speak only later is refused before anything starts too.
    const swarmsBefore = (await get(user, 'runs?kind=swarm')).total;
    const wrongLater = await post(user, 'swarm/run', { message: 'Again', agent_ids: ids, sessions: { [ids[1]!]: first.sessions[ids[0]!] } });

    expect(second.result).toBe('Second answer.');
    expect(second.sessions[ids[0]!]).toBe(first.sessions[ids[0]!]);
    expect(messagesOf(1).filter((message) => message.role !== 'system').map((message) => message.content)).toEqual([
      'First question',
      'First answer.',
      'Follow-up',
    ]);
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json()).toMatchObject({ error: 'SESSION_NOT_FOUND' });
    expect(wrongLater.statusCode).toBe(404);
    expect(wrongLater.json()).toMatchObject({ error: 'SESSION_NOT_FOUND' });
    expect((await get(user, 'runs?kind=swarm')).total).toBe(swarmsBefore);
  });
});

describe('POST /api/v1/swarm/run/stream', () => {
  it('streams who is speaking on every event, the blackboard writes and the hand-offs', async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    server.enqueue(
      { toolCalls: [call('blackboard_read', {}), call('blackboard_write', { key: 'draft', value: 'v1' })] },
      { toolCalls: [handoff('beta', 'polish it', 'draft is on the board')] },
      { toolCalls: [call('blackboard_read', { key: 'draft' })] },
      { text: 'Polished v1.' },
    );

    const response = await post(user, 'swarm/run/stream', { message: 'Write', agent_ids: ids, blackboard: { topic: 'tides' } });
    const events = parseEventStream(response.body);
    const [alpha, beta] = ids;

    expect(response.statusCode).toBe(200);
    expect(events.every((event) => 'agent_id' in (event.data as object) && 'agent_name' in (event.data as object))).toBe(true);
    const speakerOf = (event: { event: string; data: unknown }) => `${event.event}:${(event.data as { agent_name: string }).agent_name}`;
    const turnEvents = ['agent_start', 'agent_done', 'handoff', 'done'];
    expect(events.filter((event) => turnEvents.includes(event.event)).map(speakerOf)).toEqual([
      'agent_start:Alpha',
      'agent_done:Alpha',
      'handoff:Beta',
      'agent_start:Beta',
      'agent_done:Beta',
      'done:Beta',
    ]);
    // Inside each turn, the agent's own tool calls (relayed) and its blackboard write carry its name.
    const inside = events.filter((event) => !turnEvents.includes(event.event) && event.event !== 'token').map(speakerOf);
    expect(inside.sort()).toEqual(
      ['blackboard:Alpha', ...Array(3).fill('tool_call:Alpha'), ...Array(3).fill('tool_result:Alpha'), 'tool_call:Beta', 'tool_result:Beta'].sort(),
    );
    expect(events.find((event) => event.event === 'blackboard')!.data).toMatchObject({ agent_id: alpha, key: 'draft', value: 'v1' });
    expect(events.find((event) => event.event === 'handoff')!.data).toMatchObject({
      agent_id: beta,
      agent_name: 'Beta',
      from_agent_id: alpha,
      from_agent_name: 'Alpha',
      reason: 'polish it',
      context: 'draft is on the board',
    });
    expect(events.at(-1)!.data).toMatchObject({ mode: 'swarm', result: 'Polished v1.', blackboard: { topic: 'tides', draft: 'v1' } });
    // The initial blackboard reached the first agent's tool, the second agent read Alpha's write.
    expect(toolResults(1).join()).toContain('tides');
    expect(userMessage(2)).toContain('{"topic":"tides","draft":"v1"}');
    expect(toolResults(3)[0]).toContain('v1');
  });

  it('is cancelled through POST /runs/{id}/cancel while an agent speaks; the stream ends with RUN_CANCELLED', async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    server.enqueue({ text: 'a slow answer', delayMs: 10_000 });

    const streaming = post(user, 'swarm/run/stream', { message: 'Go', agent_ids: ids });
    await server.waitForRequests(1, 10_000);
    const swarmRun = (await get(user, 'runs?kind=swarm')).items[0];
    const cancelled = await post(user, `runs/${swarmRun.id}/cancel`, {});
    const events = parseEventStream((await streaming).body);
    const child = (await get(user, `runs?agent_id=${ids[0]}`)).items[0];

    expect(cancelled.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    expect(events.map((event) => event.event)).toEqual(['agent_start', 'error']);
    expect(events.at(-1)!.data).toMatchObject({ error: 'RUN_CANCELLED', agent_id: null, agent_name: 'orchestrator' });
    expect(await server.waitForAbort(0, 5000)).toMatchObject({ aborted: true });
    expect(child).toMatchObject({ parent_run_id: swarmRun.id, status: 'cancelled' });
  });
});

describe('swarm input', () => {
  it('refuses bad bodies with 422 and starts nothing', async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    const many = Array.from({ length: 11 }, () => randomUUID());
    const bodies = [
      { message: 'Go', agent_ids: [ids[0]] },
      { message: 'Go', agent_ids: many },
      { message: 'Go', agent_ids: [ids[0], ids[0]] },
      { message: 'Go', agent_ids: ids, entry_agent_id: randomUUID() },
      { message: 'Go', agent_ids: ids, max_handoffs: 21 },
      { message: 'Go', agent_ids: ids, max_handoffs: 0 },
      { message: '', agent_ids: ids },
      { message: 'Go', agent_ids: ids, blackboard: 'not an object' },
      { message: 'Go', agent_ids: ids, sessions: { [randomUUID()]: randomUUID() } },
      { message: 'Go', agent_ids: ids, unknown: true },
    ];

    const responses = await Promise.all(bodies.map((body) => post(user, 'swarm/run', body)));

    expect(responses.map((response) => response.statusCode)).toEqual(bodies.map(() => 422));
    expect(responses[0]!.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
    expect((await get(user, 'runs')).total).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it("answers 404 for another user's agent and 401 without a token, starting nothing", async () => {
    const { user, ids } = await swarmOf(['Alpha', 'Beta']);
    const stranger = await swarmOf(['Other']);

    const foreign = await post(user, 'swarm/run', { message: 'Go', agent_ids: [ids[0], stranger.ids[0]] });
    const foreignStream = await post(user, 'swarm/run/stream', { message: 'Go', agent_ids: [stranger.ids[0], ids[0]] });
    const anonymous = await testApp.app.inject({ method: 'POST', url: '/api/v1/swarm/run', payload: { message: 'Go', agent_ids: ids } });

    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: 'AGENT_NOT_FOUND' });
    expect(foreignStream.statusCode).toBe(404);
    expect(anonymous.statusCode).toBe(401);
    expect((await get(user, 'runs')).total).toBe(0);
    expect(server.requests).toHaveLength(0);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../src/test-kit/build-test-app.js';
import { useAppPerFile } from '../src/test-kit/use-app-per-file.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../src/test-kit/factories.js';
import { useModelServer } from '../src/test-kit/use-model-server.js';
import { balancedObjects, bodyOf, runForm, sseFrames } from './agentos.test-helpers.js';

/** AgentOS teams over our orchestration templates and main agents, on a real socket with the scripted model. */
const server = useModelServer();
let testApp: TestApp;
let base: string;
let user: TestUser;

useAppPerFile(async (app) => {
  testApp = app;
  base = await app.app.listen({ port: 0, host: '127.0.0.1' });
});
beforeEach(async () => {
  user = await createUser(testApp);
  await createModelConfig(testApp, user, { base_url: server.baseUrl, is_default: true });
});

async function template(body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/orchestration-templates', headers: user.headers, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

function teamRun(teamId: string, fields: Record<string, string>) {
  return fetch(`${base}/teams/${teamId}/runs`, { method: 'POST', headers: user.headers, body: runForm(fields) });
}

describe('AgentOS teams', () => {
  it('lists templates and main agents with Agno mode names and their members', async () => {
    const [billing, support, lead] = [await createAgent(testApp, user, { name: 'Billing' }), await createAgent(testApp, user, { name: 'Support' }), await createAgent(testApp, user, { name: 'Lead' })];
    const router = await template({ name: 'Desk', mode: 'route', agent_ids: [billing.id, support.id] });
    const debate = await template({ name: 'Panel', mode: 'debate', agent_ids: [billing.id, support.id], judge_agent_id: lead.id, rounds: 1 });
    const chain = await template({ name: 'Chain', mode: 'sequential', agent_ids: [billing.id, support.id] });
    const promoted = await testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${lead.id}/create-main-agent`, headers: user.headers, payload: { sub_agent_ids: [billing.id] } });
    expect(promoted.statusCode).toBe(200);

    const teams = await bodyOf(await fetch(`${base}/teams`, { headers: user.headers }));

    const byId = new Map(teams.map((team: { id: string }) => [team.id, team]));
    expect(byId.get(router.id)).toMatchObject({ name: 'Desk', mode: 'route', db_id: 'tiangong', members: [{ id: billing.id, name: 'Billing' }, { id: support.id, name: 'Support' }] });
    expect(byId.get(debate.id)).toMatchObject({ mode: 'broadcast', members: [{ id: billing.id }, { id: support.id }, { id: lead.id }] });
    expect(byId.get(chain.id)).toMatchObject({ mode: 'tasks' });
    expect(byId.get(lead.id)).toMatchObject({ name: 'Lead', mode: 'coordinate', members: [{ id: billing.id }] });
    expect(await bodyOf(await fetch(`${base}/teams/${router.id}`, { headers: user.headers }))).toMatchObject({ id: router.id, mode: 'route' });
    const config = await bodyOf(await fetch(`${base}/config`, { headers: user.headers }));
    expect(config.teams).toHaveLength(4);
    for (const path of ['/teams/nope', `/teams/${billing.id}`, `/teams/${crypto.randomUUID()}`]) {
      const missing = await fetch(`${base}${path}`, { headers: user.headers });
      expect(missing.status, path).toBe(404);
      expect(await bodyOf(missing)).toEqual({ detail: 'Team not found' });
    }
  });

  it('streams a route team: Team* events with the member agent forwarded under parent_run_id', async () => {
    const [billing, support] = [await createAgent(testApp, user, { name: 'Billing' }), await createAgent(testApp, user, { name: 'Support' })];
    const desk = await template({ name: 'Desk', mode: 'route', agent_ids: [billing.id, support.id] });
    server.enqueue({ text: JSON.stringify({ agent_id: support.id, reason: 'a bug' }) }, { text: 'Restart it.', usage: { prompt_tokens: 5, completion_tokens: 2 } });

    const response = await teamRun(desk.id, { message: 'The app crashes', session_id: '' });
    const text = await response.text();
    const frames = sseFrames(text);

    expect(response.status).toBe(200);
    const names = frames.map((frame) => frame.event);
    expect(names[0]).toBe('TeamRunStarted');
    expect(names.slice(-2)).toEqual(['TeamRunContentCompleted', 'TeamRunCompleted']);
    const teamRunId = frames[0]!.data.run_id;
    expect(frames[0]!.data).toMatchObject({ team_id: desk.id, team_name: 'Desk', session_id: teamRunId, nested_depth: 0 });
    const member = frames.filter((frame) => frame.data.agent_id !== undefined);
    expect([...new Set(member.map((frame) => frame.event))]).toEqual(['RunStarted', 'RunContent', 'RunCompleted']);
    expect(member.filter((frame) => frame.event === 'RunContent').map((frame) => frame.data.content).join('')).toBe('Restart it.');
    for (const frame of member) expect(frame.data).toMatchObject({ agent_id: support.id, agent_name: 'Support', parent_run_id: teamRunId, nested_depth: 1 });
    expect(frames.at(-1)!.data).toMatchObject({ content: 'Restart it.', metrics: { total_tokens: expect.any(Number) } });
    expect(balancedObjects(text).map((object) => object.event)).toEqual(names);
  });

  it('answers a debate team without streaming as TeamRunOutput with member_responses', async () => {
    const [pro, con, judge] = [await createAgent(testApp, user, { name: 'Pro' }), await createAgent(testApp, user, { name: 'Con' }), await createAgent(testApp, user, { name: 'Judge' })];
    const panel = await template({ name: 'Panel', mode: 'debate', agent_ids: [pro.id, con.id], judge_agent_id: judge.id, rounds: 1 });
    server.enqueue({ text: 'Tea.' }, { text: 'Coffee.' }, { text: JSON.stringify({ verdict: 'Tea wins', reasons: ['calm'], winner: 'Pro' }) });

    const response = await teamRun(panel.id, { message: 'Tea or coffee?', stream: 'false' });
    const output = await bodyOf(response);

    expect(response.status).toBe(200);
    expect(output).toMatchObject({ team_id: panel.id, team_name: 'Panel', status: 'COMPLETED', content_type: 'str', input: { input_content: 'Tea or coffee?' } });
    expect(output.member_responses.map((member: { agent_name: string; content: string }) => [member.agent_name, member.content])).toEqual([
      ['Pro', 'Tea.'],
      ['Con', 'Coffee.'],
    ]);
    expect(output.member_responses[0].parent_run_id).toBe(output.run_id);
  });

  it('runs a main agent as a coordinate team in a session: Team* events, delegation as a team tool call', async () => {
    const [lead, helper] = [await createAgent(testApp, user, { name: 'Lead', iteration_limit: 3 }), await createAgent(testApp, user, { name: 'researcher' })];
    await testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${lead.id}/create-main-agent`, headers: user.headers, payload: { sub_agent_ids: [helper.id] } });
    server.enqueue({ toolCalls: [{ name: 'delegate_to_researcher', arguments: { task: 'look it up' } }] }, { text: 'Found it.' }, { text: 'The answer is found.' });

    const frames = sseFrames(await (await teamRun(lead.id, { message: 'find it', session_id: '' })).text());
    const names = frames.map((frame) => frame.event);

    expect(names[0]).toBe('TeamRunStarted');
    expect(names).toContain('TeamToolCallStarted');
    expect(names).toContain('TeamToolCallCompleted');
    expect(names.at(-1)).toBe('TeamRunCompleted');
    expect(frames.at(-1)!.data).toMatchObject({ team_id: lead.id, team_name: 'Lead', content: 'The answer is found.' });
    expect(frames.every((frame) => !('agent_id' in frame.data) && !('workflow_agent' in frame.data))).toBe(true);
    const sessionId = frames[0]!.data.session_id;
    const runs = await bodyOf(await fetch(`${base}/sessions/${sessionId}/runs`, { headers: user.headers }));
    expect(runs).toEqual([expect.objectContaining({ run_input: 'find it', content: 'The answer is found.' })]);
  });

  it('cancels a team run: {} and the stream ends with TeamRunCancelled, TeamRunCompleted', async () => {
    const [a, b] = [await createAgent(testApp, user, { name: 'Alpha' }), await createAgent(testApp, user, { name: 'Beta' })];
    const chain = await template({ name: 'Chain', mode: 'sequential', agent_ids: [a.id, b.id] });
    server.enqueue({ text: 'one two three four five six seven eight', chunkDelayMs: 80 }, { text: 'never' });

    const response = await teamRun(chain.id, { message: 'go' });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"RunContent"')) text += decoder.decode((await reader.read()).value, { stream: true });
    const runId = String(balancedObjects(text)[0]!.run_id);
    const cancel = await fetch(`${base}/teams/${chain.id}/runs/${runId}/cancel`, { method: 'POST', headers: user.headers });
    expect(await bodyOf(cancel)).toEqual({});
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });

    expect(balancedObjects(text).slice(-2).map((object) => object.event)).toEqual(['TeamRunCancelled', 'TeamRunCompleted']);
  });
});

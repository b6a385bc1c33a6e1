import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../src/test-kit/factories.js';
import { useModelServer } from '../src/test-kit/use-model-server.js';
import { balancedObjects, bodyOf, runForm } from './agentos.test-helpers.js';

/**
 * Agno's Agent UI against the face, request for request (agentos-compat.md §6 and §9): every GET
 * preflighted from http://localhost:3000 with a bearer token, a new chat sent with session_id="",
 * the session's runs fetched while its first run still streams, the stream read by balanced JSON.
 */
const securityKey = 'agent-ui-key';
const origin = 'http://localhost:3000';
const server = useModelServer();
let testApp: TestApp;
let base: string;
let owner: TestUser;

beforeAll(async () => {
  testApp = await buildTestApp({ env: { OS_SECURITY_KEY: securityKey } });
  base = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  owner = await createUser(testApp, { role: 'admin' });
  await createModelConfig(testApp, owner, { base_url: server.baseUrl, is_default: true });
});
afterAll(async () => {
  await testApp.close();
});

/** What the browser does for one UI call: the preflight (checked), then the request with the UI's headers. */
async function uiCall(method: string, path: string, body?: FormData): Promise<Response> {
  const requestHeaders = body ? 'authorization' : 'authorization,content-type';
  const preflight = await fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
  });
  expect(preflight.status, `preflight ${method} ${path}`).toBe(200);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
  expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  const headers: Record<string, string> = { origin, authorization: `Bearer ${securityKey}` };
  if (!body) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, ...(body ? { body } : {}) });
  expect(response.headers.get('access-control-allow-origin'), `${method} ${path}`).toBe(origin);
  return response;
}

/** Reads a streamed body until `until` holds for the objects parsed so far (the UI parses as chunks arrive). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, state: { text: string }, until: (objects: Array<Record<string, unknown>>) => boolean) {
  const decoder = new TextDecoder();
  while (!until(balancedObjects(state.text))) {
    const { done, value } = await reader.read();
    if (done) break;
    state.text += decoder.decode(value, { stream: true });
  }
  return balancedObjects(state.text);
}

describe('Agent UI session', () => {
  it('runs the UI flow: init, new chat streamed with a mid-stream history fetch, sidebar, history, delete', async () => {
    const agent = await createAgent(testApp, owner, { name: 'Helper', system_prompt: 'You are Helper.' });
    server.enqueue({ text: 'Sure, here is a long answer for you.', usage: { prompt_tokens: 12, completion_tokens: 8 }, delayMs: 150, chunkDelayMs: 30 });

    expect((await uiCall('GET', '/health')).status).toBe(200);
    const teams = await uiCall('GET', '/teams');
    expect(teams.status).toBe(200);
    expect(Array.isArray(await bodyOf(teams))).toBe(true);
    const agents = await bodyOf(await uiCall('GET', '/agents'));
    const picked = agents.find((item: { id: string }) => item.id === agent.id);
    expect(picked.db_id).toBe('tiangong');
    const sidebar = await bodyOf(await uiCall('GET', `/sessions?type=agent&component_id=${agent.id}&db_id=${picked.db_id}`));
    expect(sidebar.data).toEqual([]);

    const response = await uiCall('POST', `/agents/${agent.id}/runs`, runForm({ message: 'hello there', stream: 'true', session_id: '' }));
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const state = { text: '' };
    const started = await readUntil(reader, state, (objects) => objects.some((object) => object.event === 'RunStarted'));
    const sessionId = String(started.find((object) => object.event === 'RunStarted')!.session_id);

    // §9: the UI fetches the new session's runs while the first run streams; [] would wipe the chat.
    const during = await uiCall('GET', `/sessions/${sessionId}/runs?type=agent&db_id=tiangong`);
    expect(during.status).toBe(200);
    const inProgress = await bodyOf(during);
    expect(inProgress).toEqual([expect.objectContaining({ run_input: 'hello there', status: 'RUNNING' })]);

    const objects = await readUntil(reader, state, () => false);
    const names = objects.map((object) => object.event);
    expect(names[0]).toBe('RunStarted');
    expect(names.at(-1)).toBe('RunCompleted');
    const streamed = objects.filter((object) => object.event === 'RunContent').map((object) => object.content).join('');
    expect(streamed).toBe('Sure, here is a long answer for you.');
    expect(objects.at(-1)!.content).toBe(streamed);
    expect(objects.every((object) => !('data' in object))).toBe(true);

    const listed = await bodyOf(await uiCall('GET', `/sessions?type=agent&component_id=${agent.id}&db_id=tiangong`));
    expect(listed.data).toEqual([expect.objectContaining({ session_id: sessionId, session_name: 'hello there' })]);
    const history = await bodyOf(await uiCall('GET', `/sessions/${sessionId}/runs?type=agent&db_id=tiangong`));
    expect(history).toEqual([expect.objectContaining({ run_input: 'hello there', content: streamed, status: 'COMPLETED' })]);

    expect((await uiCall('DELETE', `/sessions/${sessionId}?db_id=tiangong`)).ok).toBe(true);
    expect((await bodyOf(await uiCall('GET', `/sessions?type=agent&component_id=${agent.id}&db_id=tiangong`))).data).toEqual([]);
  });

  it('shows tool calls as ToolCallStarted/Completed with the whole ToolExecution', async () => {
    const agent = await createAgent(testApp, owner, { name: 'Calc', include_tools: ['calculator'], iteration_limit: 3 });
    server.enqueue({ toolCalls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '6*7' } }] }, { text: 'It is 42.' });

    const response = await uiCall('POST', `/agents/${agent.id}/runs`, runForm({ message: 'six times seven?', stream: 'true', session_id: '' }));
    const objects = balancedObjects(await response.text());

    const names = objects.map((object) => object.event);
    expect(names.indexOf('ToolCallStarted')).toBeLessThan(names.indexOf('ToolCallCompleted'));
    const started = objects.find((object) => object.event === 'ToolCallStarted')!.tool as Record<string, unknown>;
    const completed = objects.find((object) => object.event === 'ToolCallCompleted')!;
    expect(started).toMatchObject({ tool_call_id: 'call_1', tool_name: 'calculator', tool_args: { expression: '6*7' }, result: null, tool_call_error: null });
    expect(Object.keys(started)).toContain('requires_confirmation');
    expect(completed.tool).toMatchObject({ tool_call_id: 'call_1', tool_call_error: false, result: expect.stringContaining('42') });
    expect(objects.at(-1)).toMatchObject({ event: 'RunCompleted', content: 'It is 42.' });
  });

  it('ends a failed run with RunError in-band (HTTP 200)', async () => {
    const agent = await createAgent(testApp, owner, { name: 'Fails' });
    server.enqueue({ error: { status: 400, message: 'bad request upstream' } });

    const response = await uiCall('POST', `/agents/${agent.id}/runs`, runForm({ message: 'break', session_id: '' }));
    const objects = balancedObjects(await response.text());

    expect(response.status).toBe(200);
    expect(objects[0]!.event).toBe('RunStarted');
    expect(objects.at(-1)).toMatchObject({ event: 'RunError', content: expect.any(String), agent_id: agent.id });
  });

  it('cancels a streaming run: RunCancelled then RunCompleted', async () => {
    const agent = await createAgent(testApp, owner, { name: 'Slow' });
    server.enqueue({ text: 'one two three four five six seven eight nine ten', chunkDelayMs: 80 });

    const response = await uiCall('POST', `/agents/${agent.id}/runs`, runForm({ message: 'count slowly', session_id: '' }));
    const reader = response.body!.getReader();
    const state = { text: '' };
    const early = await readUntil(reader, state, (objects) => objects.some((object) => object.event === 'RunContent'));
    const runId = String(early[0]!.run_id);
    const cancel = await uiCall('POST', `/agents/${agent.id}/runs/${runId}/cancel`);
    expect(await bodyOf(cancel)).toEqual({});
    const objects = await readUntil(reader, state, () => false);

    expect(objects.slice(-2).map((object) => object.event)).toEqual(['RunCancelled', 'RunCompleted']);
    const runs = await bodyOf(await uiCall('GET', `/sessions/${String(early[0]!.session_id)}/runs`));
    expect(runs[0]).toMatchObject({ status: 'CANCELLED' });
  });

  it('cancels the run when the client goes away mid-stream, as AgentOS does for inline runs', async () => {
    const agent = await createAgent(testApp, owner, { name: 'Leaver' });
    server.enqueue({ text: 'a b c d e f g h i j k l m n o p', chunkDelayMs: 80 });
    const controller = new AbortController();

    const response = await fetch(`${base}/agents/${agent.id}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${securityKey}` },
      body: runForm({ message: 'talk', session_id: '' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const state = { text: '' };
    const early = await readUntil(reader, state, (objects) => objects.some((object) => object.event === 'RunContent'));
    controller.abort();
    const sessionId = String(early[0]!.session_id);

    let runs: Array<{ status: string }> = [];
    for (let attempt = 0; attempt < 100 && runs[0]?.status !== 'CANCELLED'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      runs = await bodyOf(await fetch(`${base}/sessions/${sessionId}/runs`, { headers: { authorization: `Bearer ${securityKey}` } }));
    }
    expect(runs).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
  });

  it('continue: 400 without a session, 404 for an unknown run, 409 for a run that is not paused', async () => {
    const agent = await createAgent(testApp, owner, { name: 'Done' });
    server.enqueue({ text: 'ok' });
    const output = await bodyOf(await uiCall('POST', `/agents/${agent.id}/runs`, runForm({ message: 'hi', stream: 'false' })));

    const noSession = await uiCall('POST', `/agents/${agent.id}/runs/${output.run_id}/continue`, runForm({ tools: '[]' }));
    expect(noSession.status).toBe(400);
    expect(await bodyOf(noSession)).toEqual({ detail: 'session_id is required for this action' });
    const badTools = await uiCall('POST', `/agents/${agent.id}/runs/${output.run_id}/continue`, runForm({ tools: '[oops', session_id: output.session_id }));
    expect(await bodyOf(badTools)).toEqual({ detail: 'Invalid JSON in tools field' });
    const unknown = await uiCall('POST', `/agents/${agent.id}/runs/${crypto.randomUUID()}/continue`, runForm({ session_id: output.session_id }));
    expect(unknown.status).toBe(404);
    const finished = await uiCall('POST', `/agents/${agent.id}/runs/${output.run_id}/continue`, runForm({ session_id: output.session_id }));
    expect(finished.status).toBe(409);
  });

  it("keeps another user's agents and sessions out of reach", async () => {
    const other = await createUser(testApp);
    await createModelConfig(testApp, other, { base_url: server.baseUrl, is_default: true });
    const theirs = await createAgent(testApp, other, { name: 'Theirs' });
    server.enqueue({ text: 'private' });
    const theirRun = await bodyOf(
      await fetch(`${base}/agents/${theirs.id}/runs`, { method: 'POST', headers: other.headers, body: runForm({ message: 'secret', stream: 'false' }) }),
    );

    expect((await uiCall('GET', `/agents/${theirs.id}`)).status).toBe(404);
    expect((await uiCall('GET', `/sessions/${theirRun.session_id}/runs`)).status).toBe(404);
    const rename = await fetch(`${base}/sessions/${theirRun.session_id}/rename`, {
      method: 'POST',
      headers: { authorization: `Bearer ${securityKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_name: 'Mine now' }),
    });
    expect(rename.status).toBe(404);
    expect(await bodyOf(rename)).toEqual({ detail: `Session with id '${theirRun.session_id}' not found` });
    const theirSession = await bodyOf(await fetch(`${base}/sessions/${theirRun.session_id}`, { headers: other.headers }));
    expect(theirSession.session_name).not.toBe('Mine now');
    expect((await uiCall('DELETE', `/sessions/${theirRun.session_id}`)).status).toBe(204);
    const still = await fetch(`${base}/sessions/${theirRun.session_id}/runs`, { headers: other.headers });
    expect(await bodyOf(still)).toEqual([expect.objectContaining({ content: 'private' })]);
  });
});

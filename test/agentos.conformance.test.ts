import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../src/test-kit/factories.js';
import { useModelServer } from '../src/test-kit/use-model-server.js';
import { balancedObjects, bodyOf, openAgnoSocket, runForm, sseFrames } from './agentos.test-helpers.js';

/**
 * The AgentOS face against its spec's conformance examples (shared/design/agentos-compat.md §5),
 * over a real socket with the scripted model server. One app for the file; each test its own user.
 */
const securityKey = 's3cret-agentos-key';
const server = useModelServer();
let testApp: TestApp;
let base: string;
let owner: TestUser;
let agent: { id: string; name: string };

const keyHeaders = { authorization: `Bearer ${securityKey}` };
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  testApp = await buildTestApp({ env: { OS_SECURITY_KEY: securityKey } });
  base = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  // The key acts as the earliest administrator: this one, for the whole file.
  owner = await createUser(testApp, { role: 'admin' });
});
afterAll(async () => {
  await testApp.close();
});
beforeEach(async () => {
  await createModelConfig(testApp, owner, { base_url: server.baseUrl, is_default: true, model_name: 'gpt-test' });
  agent = await createAgent(testApp, owner, { name: 'A1', system_prompt: 'You are A1.' });
});

function run(fields: Record<string, string>, headers: Record<string, string> = keyHeaders, agentId = agent.id) {
  return fetch(`${base}/agents/${agentId}/runs`, { method: 'POST', headers, body: runForm(fields) });
}

describe('AgentOS conformance (§5)', () => {
  it('1. health answers without a token, with status and instantiated_at', async () => {
    const response = await fetch(`${base}/health`);
    const body = await bodyOf(response);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', instantiated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
  });

  it('2. lists agents with id, name, db_id, model and the factory flags', async () => {
    const response = await fetch(`${base}/agents`, { headers: { ...keyHeaders, 'content-type': 'application/json' } });
    const body = await bodyOf(response);
    expect(response.status).toBe(200);
    const listed = body.find((item: { id: string }) => item.id === agent.id);
    expect(listed).toMatchObject({ id: agent.id, name: 'A1', db_id: 'tiangong', is_factory: false, is_component: false });
    expect(listed).not.toHaveProperty('model');
  });

  it('3. an unknown agent is 404 {"detail":"Agent not found"}, a trailing slash is stripped', async () => {
    for (const path of ['/agents/nope', `/agents/${crypto.randomUUID()}`, '/agents/nope/']) {
      const response = await fetch(`${base}${path}`, { headers: keyHeaders });
      expect(response.status, path).toBe(404);
      expect(await bodyOf(response)).toEqual({ detail: 'Agent not found' });
    }
    expect((await fetch(`${base}/agents/`, { headers: keyHeaders })).status).toBe(200);
    // A path no route has, under the face's prefixes, is FastAPI's 404.
    for (const path of ['/agents/x/unknown', '/sessions/x/y/z', '/teams/a/b/c/d']) {
      const response = await fetch(`${base}${path}`, { headers: keyHeaders });
      expect(response.status, path).toBe(404);
      expect(await bodyOf(response)).toEqual({ detail: 'Not Found' });
    }
  });

  it('4-5. streams a run as SSE, then continues the same session', async () => {
    server.enqueue({ text: 'Hello there, friend.', usage: { prompt_tokens: 9, completion_tokens: 4 } }, { text: 'You said hello.' });

    const response = await run({ message: 'hello', stream: 'true', session_id: '' });
    const text = await response.text();
    const frames = sseFrames(text);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).not.toMatch(/^id:/m);
    for (const frame of frames) expect(frame.event).toBe(frame.data.event);
    const names = frames.map((frame) => frame.event);
    expect(names[0]).toBe('RunStarted');
    expect(names.slice(-2)).toEqual(['RunContentCompleted', 'RunCompleted']);
    expect(names.filter((name) => name === 'RunContent').length).toBeGreaterThan(0);
    const first = frames[0]!.data;
    expect(first).toMatchObject({ agent_id: agent.id, agent_name: 'A1', nested_depth: 0, model: '', model_provider: '' });
    expect(first.session_id).toMatch(uuid);
    expect(first.run_id).toMatch(uuid);
    for (const frame of frames) {
      expect(frame.data).toMatchObject({ run_id: first.run_id, session_id: first.session_id, agent_id: agent.id });
      expect(Number.isInteger(frame.data.created_at)).toBe(true);
    }
    const deltas = frames.filter((frame) => frame.event === 'RunContent').map((frame) => frame.data.content).join('');
    expect(frames.at(-1)!.data).toMatchObject({ content: deltas, content_type: 'str', metrics: { input_tokens: 9, output_tokens: 4, total_tokens: 13 } });
    expect(deltas).toBe('Hello there, friend.');
    expect(frames.find((frame) => frame.event === 'RunContent')!.data).toMatchObject({ workflow_agent: false, content_type: 'str' });
    // Agent UI reads the same body by balanced objects.
    expect(balancedObjects(text).map((object) => object.event)).toEqual(names);

    const again = sseFrames(await (await run({ message: 'what did I say?', session_id: String(first.session_id) })).text());
    expect(again[0]).toMatchObject({ event: 'RunStarted', data: { session_id: first.session_id } });
    expect(again[0]!.data.run_id).not.toBe(first.run_id);
    const history = server.requests[1]!.body!.messages!.map((message) => message.content);
    expect(history).toEqual(['You are A1.', 'hello', 'Hello there, friend.', 'what did I say?']);
  });

  it('6. a run with stream=false answers RunOutput JSON', async () => {
    server.enqueue({ text: 'Hi!', usage: { prompt_tokens: 3, completion_tokens: 1 } });

    const response = await run({ message: 'hello', stream: 'false' });
    const body = await bodyOf(response);

    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      agent_id: agent.id,
      agent_name: 'A1',
      content: 'Hi!',
      content_type: 'str',
      status: 'COMPLETED',
      input: { input_content: 'hello' },
      metrics: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
    });
    expect(body.run_id).toMatch(uuid);
    expect(body.session_id).toMatch(uuid);
    expect(Number.isInteger(body.created_at)).toBe(true);
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(body).toHaveProperty('model');
    expect(body).toHaveProperty('model_provider');
  });

  it('7. a JSON body is 422 with FastAPI\'s list; a bad boolean too; nothing reaches the model', async () => {
    const json = await fetch(`${base}/agents/${agent.id}/runs`, {
      method: 'POST',
      headers: { ...keyHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });
    expect(json.status).toBe(422);
    expect(await bodyOf(json)).toEqual({ detail: [{ type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: null }] });

    const badBoolean = await run({ message: 'hi', stream: 'maybe' });
    expect(badBoolean.status).toBe(422);
    expect((await bodyOf(badBoolean)).detail).toEqual([expect.objectContaining({ type: 'bool_parsing', loc: ['body', 'stream'], input: 'maybe' })]);

    const urlencoded = await fetch(`${base}/agents/${agent.id}/runs`, {
      method: 'POST',
      headers: { ...keyHeaders, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'stream=false',
    });
    expect(urlencoded.status).toBe(422);
    expect(server.requests).toHaveLength(0);
  });

  it('8. the security key: missing, wrong, right; health open; preflight allowed with credentials', async () => {
    const missing = await fetch(`${base}/agents`);
    expect(missing.status).toBe(401);
    expect(await bodyOf(missing)).toEqual({ detail: 'Authorization header required' });
    expect(missing.headers.get('www-authenticate')).toBeNull();
    const wrong = await fetch(`${base}/agents`, { headers: { authorization: 'Bearer nope', origin: 'http://localhost:3000' } });
    expect(wrong.status).toBe(401);
    expect(await bodyOf(wrong)).toEqual({ detail: 'Invalid authentication token' });
    expect(wrong.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(wrong.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await fetch(`${base}/agents`, { headers: keyHeaders })).status).toBe(200);
    expect((await fetch(`${base}/agents`, { headers: { authorization: securityKey } })).status).toBe(200);
    // A platform JWT works too, as the same user.
    expect((await fetch(`${base}/agents`, { headers: owner.headers })).status).toBe(200);

    const preflight = await fetch(`${base}/agents`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    const foreign = await fetch(`${base}/agents`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toBe('Disallowed CORS origin');
  });

  it('9-11. sessions: list (newest first, paginated), history, delete', async () => {
    server.enqueue({ text: 'One.' }, { text: 'Two.' });
    const firstSession = sseFrames(await (await run({ message: 'first chat', session_id: '' })).text())[0]!.data.session_id;
    const secondSession = sseFrames(await (await run({ message: 'second chat', session_id: '' })).text())[0]!.data.session_id;

    const list = await fetch(`${base}/sessions?type=agent&component_id=${agent.id}&db_id=tiangong`, { headers: keyHeaders });
    const page = await bodyOf(list);
    expect(list.status).toBe(200);
    expect(page.data.map((session: { session_id: string }) => session.session_id)).toEqual([secondSession, firstSession]);
    expect(page.data[1]).toMatchObject({ session_name: 'first chat', session_type: 'agent', agent_id: agent.id, created_at: expect.stringMatching(/Z$/) });
    expect(page.meta).toEqual({ page: 1, limit: 20, total_pages: 1, total_count: 2, search_time_ms: 0 });
    const paged = await bodyOf(await fetch(`${base}/sessions?type=agent&component_id=${agent.id}&limit=1&page=2&sort_order=asc`, { headers: keyHeaders }));
    expect(paged.data.map((session: { session_id: string }) => session.session_id)).toEqual([secondSession]);
    expect(paged.meta).toMatchObject({ page: 2, limit: 1, total_pages: 2, total_count: 2 });
    expect((await fetch(`${base}/sessions?type=agent&db_id=unknown`, { headers: keyHeaders })).status).toBe(404);
    expect((await bodyOf(await fetch(`${base}/sessions?type=team`, { headers: keyHeaders }))).data).toEqual([]);

    const runs = await fetch(`${base}/sessions/${firstSession}/runs?type=agent&db_id=tiangong`, { headers: keyHeaders });
    const history = await bodyOf(runs);
    expect(runs.status).toBe(200);
    expect(history).toEqual([
      expect.objectContaining({ parent_run_id: '', agent_id: agent.id, user_id: '', status: 'COMPLETED', run_input: 'first chat', content: 'One.', run_response_format: 'text', created_at: expect.stringMatching(/Z$/) }),
    ]);
    expect(history[0]).toMatchObject({ reasoning_steps: [], references: [], input_media: { images: [], videos: [], audios: [], files: [] } });

    const detail = await bodyOf(await fetch(`${base}/sessions/${firstSession}`, { headers: keyHeaders }));
    expect(detail.chat_history.map((message: { role: string; content: string }) => [message.role, message.content])).toEqual([['user', 'first chat'], ['assistant', 'One.']]);

    const deleted = await fetch(`${base}/sessions/${firstSession}?db_id=tiangong`, { method: 'DELETE', headers: keyHeaders });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const gone = await fetch(`${base}/sessions/${firstSession}/runs`, { headers: keyHeaders });
    expect(gone.status).toBe(404);
    expect(await bodyOf(gone)).toEqual({ detail: `Session with ID ${firstSession} not found` });
    expect((await fetch(`${base}/sessions/${firstSession}`, { method: 'DELETE', headers: keyHeaders })).status).toBe(204);
  });

  it('12. cancel answers {} for any run id of an existing agent, 404 for an unknown agent', async () => {
    const response = await fetch(`${base}/agents/${agent.id}/runs/run-123/cancel`, { method: 'POST', headers: keyHeaders });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
    const unknown = await fetch(`${base}/agents/nope/runs/run-123/cancel`, { method: 'POST', headers: keyHeaders });
    expect(unknown.status).toBe(404);
  });

  it('13. the workflow WebSocket: connected, key authentication, ping, workflow_id required, unknown action', async () => {
    const socket = await openAgnoSocket(`${base.replace('http', 'ws')}/workflows/ws`);
    const last = () => JSON.parse(socket.frames.at(-1)!);
    try {
      await socket.waitFor((frames) => frames.length === 1);
      expect(last()).toMatchObject({ event: 'connected', requires_auth: true });
      socket.send({ action: 'authenticate', token: securityKey });
      await socket.waitFor((frames) => frames.length === 2);
      expect(last()).toEqual({ event: 'authenticated', message: 'Authentication successful. You can now send commands.' });
      socket.send({ action: 'ping' });
      await socket.waitFor((frames) => frames.length === 3);
      expect(last()).toEqual({ event: 'pong' });
      socket.send({ action: 'start-workflow', message: 'x' });
      await socket.waitFor((frames) => frames.length === 4);
      expect(last()).toEqual({ event: 'error', error: 'workflow_id is required' });
      socket.send({ action: 'bogus' });
      await socket.waitFor((frames) => frames.length === 5);
      expect(last()).toEqual({ event: 'error', error: 'Unknown action: bogus' });
    } finally {
      socket.close();
    }
  });
});

describe('AgentOS core routes and session edits', () => {
  it('answers GET / and /info without a token, and /config and /models with one', async () => {
    const inline = await createAgent(testApp, owner, { name: 'Inline', model_config: { provider: 'openai', model_name: 'gpt-4o' } });

    expect(await bodyOf(await fetch(`${base}/`))).toEqual({ name: 'AgentOS API', id: 'tiangong', version: '0.0.0-test' });
    const anonymous = await bodyOf(await fetch(`${base}/info`));
    expect(anonymous).toMatchObject({ os_id: 'tiangong', agent_count: 0, auth_mode: 'security_key', mcp: { enabled: false, path: null, oauth: null } });
    const info = await bodyOf(await fetch(`${base}/info`, { headers: keyHeaders }));
    expect(info.agent_count).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${base}/config`)).status).toBe(401);
    const config = await bodyOf(await fetch(`${base}/config`, { headers: keyHeaders }));
    expect(config).toMatchObject({ os_id: 'tiangong', databases: ['tiangong'], os_database: 'tiangong', teams: [], workflows: [], interfaces: [] });
    expect(config.agents).toContainEqual({ id: inline.id, name: 'Inline', db_id: 'tiangong', model: { id: 'gpt-4o', provider: 'openai' } });
    expect(config.available_models).toContain('gpt-4o');
    expect(await bodyOf(await fetch(`${base}/models`, { headers: keyHeaders }))).toContainEqual({ id: 'gpt-4o', provider: 'openai' });
    const listed = (await bodyOf(await fetch(`${base}/agents/${inline.id}`, { headers: keyHeaders }))).model;
    expect(listed).toEqual({ name: 'gpt-4o', model: 'gpt-4o', provider: 'openai' });
  });

  it('renames a session, deletes several at once, and checks the bulk body', async () => {
    server.enqueue({ text: 'A.' }, { text: 'B.' });
    const first = String(sseFrames(await (await run({ message: 'one', session_id: '' })).text())[0]!.data.session_id);
    const second = String(sseFrames(await (await run({ message: 'two', session_id: '' })).text())[0]!.data.session_id);
    const json = { ...keyHeaders, 'content-type': 'application/json' };

    const renamed = await fetch(`${base}/sessions/${first}/rename`, { method: 'POST', headers: json, body: JSON.stringify({ session_name: 'Renamed' }) });
    expect(await bodyOf(renamed)).toMatchObject({ session_id: first, session_name: 'Renamed', agent_id: agent.id });
    const found = await bodyOf(await fetch(`${base}/sessions?component_id=${agent.id}&session_name=renam`, { headers: keyHeaders }));
    expect(found.data.map((session: { session_id: string }) => session.session_id)).toEqual([first]);
    const missing = await fetch(`${base}/sessions/${crypto.randomUUID()}/rename`, { method: 'POST', headers: json, body: JSON.stringify({ session_name: 'x' }) });
    expect(missing.status).toBe(404);
    const empty = await fetch(`${base}/sessions/${first}/rename`, { method: 'POST', headers: json, body: JSON.stringify({}) });
    expect(empty.status).toBe(422);
    expect((await bodyOf(empty)).detail[0]).toMatchObject({ loc: ['body', 'session_name'] });

    const mismatched = await fetch(`${base}/sessions`, { method: 'DELETE', headers: json, body: JSON.stringify({ session_ids: [first, second], session_types: ['agent'] }) });
    expect(mismatched.status).toBe(400);
    expect(await bodyOf(mismatched)).toEqual({ detail: 'Session IDs and session types must have the same length' });
    const deleted = await fetch(`${base}/sessions`, { method: 'DELETE', headers: json, body: JSON.stringify({ session_ids: [first, second], session_types: ['agent', 'agent'] }) });
    expect(deleted.status).toBe(204);
    expect((await bodyOf(await fetch(`${base}/sessions?component_id=${agent.id}`, { headers: keyHeaders }))).data).toEqual([]);
  });
});

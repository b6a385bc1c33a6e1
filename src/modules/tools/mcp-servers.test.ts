import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { startMcpTestServer, type McpTestServer } from '../../test-kit/mcp-test-server.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** MCP servers over streamable HTTP: their tools become the user's tools, usable directly and by agents. */
const model = useModelServer();
let mcp: McpTestServer;
let testApp: TestApp;
let user: TestUser;

beforeAll(async () => {
  mcp = await startMcpTestServer({ token: 'mcp-secret-token' });
});
afterAll(async () => mcp.close());
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function inject(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, owner = user) {
  return testApp.app.inject({ method, url: `/api/v1/tools${url}`, headers: owner.headers, ...(payload ? { payload } : {}) });
}

const registration = () => ({ name: 'weather', url: mcp.url, headers: { Authorization: 'Bearer mcp-secret-token' } });

describe('MCP servers', () => {
  it("registers a server, adds its tools, and never shows the headers' values", async () => {
    const response = await inject('POST', '/mcp-servers', registration());
    const body = response.json();

    expect(response.statusCode).toBe(201);
    expect(body.header_names).toEqual(['Authorization']);
    expect(JSON.stringify(body)).not.toContain('mcp-secret-token');
    expect(body.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['weather_echo', 'weather_get_forecast']);
    expect(body.tools[1]).toMatchObject({ type: 'mcp', category: 'mcp', input_schema: { type: 'object' } });
    expect((await inject('GET', '?type=mcp')).json().total).toBe(2);
  });

  it('calls an MCP tool with its headers; an error result is a failed call', async () => {
    await inject('POST', '/mcp-servers', registration());

    const ok = await inject('POST', '/weather_get_forecast/use', { arguments: { city: 'Hangzhou', days: 2 } });
    const failed = await inject('POST', '/weather_get_forecast/use', { arguments: { city: 'Atlantis' } });
    const invalid = await inject('POST', '/weather_get_forecast/use', { arguments: { days: 'two' } });

    expect(ok.json()).toMatchObject({ ok: true, output: 'Sunny in Hangzhou for 2 day(s)' });
    expect(failed.json()).toMatchObject({ ok: false, error: { code: 'MCP_TOOL_ERROR', message: 'unknown city Atlantis' } });
    expect(invalid.statusCode).toBe(422);
    expect(mcp.calls.at(-1)).toEqual({ name: 'getForecast', arguments: { city: 'Atlantis' } });
    expect(mcp.authorizations.at(-1)).toBe('Bearer mcp-secret-token');
  });

  it('lets an agent use an MCP tool through the model', async () => {
    await inject('POST', '/mcp-servers', registration());
    const config = await createModelConfig(testApp, user, { base_url: model.baseUrl });
    const agent = await createAgent(testApp, user, { model_config: null, model_config_id: config.id, include_tools: ['weather_get_forecast'] });
    model.enqueue({ toolCalls: [{ name: 'weather_get_forecast', arguments: { city: 'Lhasa' } }] }, { text: 'It is sunny in Lhasa.' });

    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/agent-chat/${agent.id}`,
      headers: user.headers,
      payload: { message: 'Weather in Lhasa?' },
    });

    expect(response.json().content).toBe('It is sunny in Lhasa.');
    expect(mcp.calls.at(-1)).toEqual({ name: 'getForecast', arguments: { city: 'Lhasa' } });
    const toolMessage = (model.requests[1]!.body!.messages as Array<{ role: string; content: string }>).at(-1)!;
    expect(toolMessage).toMatchObject({ role: 'tool', content: 'Sunny in Lhasa for 1 day(s)' });
  });

  it('stores nothing when the server refuses the credentials or cannot be reached', async () => {
    const refused = await inject('POST', '/mcp-servers', { ...registration(), headers: {} });
    const unreachable = await inject('POST', '/mcp-servers', { ...registration(), url: 'http://127.0.0.1:9/mcp' });

    expect(refused.statusCode).toBe(502);
    expect(refused.json().error).toBe('MCP_SERVER_UNAVAILABLE');
    expect(unreachable.statusCode).toBeGreaterThanOrEqual(502);
    expect((await inject('GET', '/mcp-servers')).json().total).toBe(0);
  });

  it('rejects bad registrations with 422 and stores nothing', async () => {
    const bad = [
      { ...registration(), name: 'Has Spaces' },
      { ...registration(), url: 'ftp://127.0.0.1/mcp' },
      { ...registration(), url: 'not a url' },
      { ...registration(), headers: { Authorization: 42 } },
      { name: 'weather' },
    ];
    const requestsBefore = mcp.authorizations.length;

    const responses = await Promise.all(bad.map((body) => inject('POST', '/mcp-servers', body)));

    expect(responses.map((response) => response.statusCode)).toEqual(bad.map(() => 422));
    expect((await inject('GET', '/mcp-servers')).json().total).toBe(0);
    expect(mcp.authorizations.length).toBe(requestsBefore);
  });

  it('refresh follows the server: changed tools updated, new ones added, vanished ones removed', async () => {
    const server = (await inject('POST', '/mcp-servers', registration())).json();
    const second = await startMcpTestServer({ token: 'mcp-secret-token' });
    try {
      second.useSecondToolList();
      await testApp.container.database.db.execute(sql`update mcp_servers set url = ${second.url} where id = ${server.id}`);

      const refreshed = (await inject('POST', `/mcp-servers/${server.id}/refresh`)).json();

      expect(refreshed.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['weather_get_forecast', 'weather_time']);
      expect(refreshed.tools.find((tool: { name: string }) => tool.name === 'weather_get_forecast').description).toBe('Forecast, version two.');
    } finally {
      await second.close();
    }
  });

  it("deleting a server removes its tools; another user's server is 404", async () => {
    const server = (await inject('POST', '/mcp-servers', registration())).json();
    const other = await createUser(testApp);

    const foreign = await Promise.all([
      inject('GET', `/mcp-servers/${server.id}`, undefined, other),
      inject('POST', `/mcp-servers/${server.id}/refresh`, undefined, other),
      inject('DELETE', `/mcp-servers/${server.id}`, undefined, other),
    ]);
    const deleted = await inject('DELETE', `/mcp-servers/${server.id}`);

    expect(foreign.map((response) => response.statusCode)).toEqual([404, 404, 404]);
    expect(deleted.statusCode).toBe(204);
    expect((await inject('GET', '?type=mcp')).json().total).toBe(0);
    expect((await inject('POST', '/weather_echo/use', { arguments: { text: 'x' } })).statusCode).toBe(404);
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, expect } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../engine/tools/tool.js';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import type { ModelServer } from '../../test-kit/model-server/index.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** What a test of the OpenAI face works with; filled before the file's first test. */
export interface OpenAiFaceFixture {
  server: ModelServer;
  testApp: TestApp;
  owner: TestUser;
  stranger: TestUser;
  /** `http://127.0.0.1:<port>/v1` of the listening app. */
  baseURL: string;
  /** Helper (published, with a prompt), Calculator (published, tool add_numbers), Draft, Stopped (published, then stopped), and the stranger's published agent. */
  agents: Record<'helper' | 'calculator' | 'draft' | 'stopped' | 'foreign', { id: string }>;
  /** The owner's keys: one for every agent, one scoped to Calculator. */
  keys: { all: string; scoped: string };
  /** Inputs the add_numbers tool received. */
  toolInputs: unknown[];
  client(apiKey: string): OpenAI;
  createKey(user: TestUser, payload: object): Promise<{ id: string; key: string }>;
  sentMessages(index: number): Array<{ role: string; content?: unknown; tool_calls?: unknown }>;
}

/**
 * One listening app per test file with two users, their agents and API keys, and the scripted
 * model server, for the official `openai` client to talk to.
 */
export function useOpenAiFace(): OpenAiFaceFixture {
  const server = useModelServer();
  const face = {
    server,
    toolInputs: [] as unknown[],
    client: (apiKey: string) => new OpenAI({ apiKey, baseURL: face.baseURL, maxRetries: 0 }),
    async createKey(user: TestUser, payload: object) {
      const response = await face.testApp.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: user.headers, payload });
      expect(response.statusCode).toBe(201);
      return response.json() as { id: string; key: string };
    },
    sentMessages: (index: number) => server.requests[index]!.body!.messages as Array<{ role: string; content?: unknown }>,
  } as OpenAiFaceFixture;

  async function publishedAgent(user: TestUser, overrides: Record<string, unknown>) {
    const config = await createModelConfig(face.testApp, user, { base_url: server.baseUrl, model_name: 'agent-model' });
    const agent = await createAgent(face.testApp, user, { model_config: null, model_config_id: config.id, ...overrides });
    await face.testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${agent.id}/deploy`, headers: user.headers });
    return agent;
  }

  async function stoppedAgent(user: TestUser) {
    const agent = await publishedAgent(user, { name: 'Stopped' });
    const response = await face.testApp.app.inject({ method: 'POST', url: `/api/v1/agents/${agent.id}/stop`, headers: user.headers });
    expect(response.json()).toMatchObject({ status: 'stopped' });
    return agent;
  }

  beforeAll(async () => {
    face.testApp = await buildTestApp();
    face.owner = await createUser(face.testApp);
    face.stranger = await createUser(face.testApp);
    face.testApp.container.tools.register(
      defineTool({
        name: 'add_numbers',
        category: 'test',
        description: 'Adds two numbers.',
        inputSchema: z.object({ a: z.number(), b: z.number() }),
        execute: async (input) => {
          face.toolInputs.push(input);
          return { sum: input.a + input.b };
        },
      }),
    );
    face.agents = {
      helper: await publishedAgent(face.owner, { name: 'Helper', system_prompt: 'You are Helper.' }),
      calculator: await publishedAgent(face.owner, { name: 'Calculator', include_tools: ['add_numbers'], iteration_limit: 3 }),
      draft: await createAgent(face.testApp, face.owner, { name: 'Draft' }),
      stopped: await stoppedAgent(face.owner),
      foreign: await publishedAgent(face.stranger, { name: 'Theirs' }),
    };
    face.keys = {
      all: (await face.createKey(face.owner, { name: 'all agents' })).key,
      scoped: (await face.createKey(face.owner, { name: 'calculator only', agent_ids: [face.agents.calculator.id] })).key,
    };
    const address = await face.testApp.app.listen({ port: 0, host: '127.0.0.1' });
    face.baseURL = `${address}/v1`;
  });
  afterAll(async () => {
    await face.testApp.close();
  });
  return face;
}

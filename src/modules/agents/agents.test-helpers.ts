/**
 * What the agents test files share: a fresh app and signed-in user for each test, the seed's
 * example agent, and the calls they make against /api/v1/agents, as that user unless another owner
 * is given. Not named *.test.ts, so vitest imports it from those files instead of running it alone.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { agents, agentVersions } from '../../platform/db/schema/index.js';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createUser, type TestUser } from '../../test-kit/factories.js';
import type { AgentResponse } from './agents.schemas.js';

const url = '/api/v1/agents';

/** A UUID no agent has. */
export const missingId = '0190a000-0000-7000-8000-00000000beef';

/** The seed's example body: an inline model and a start -> agent -> end workflow. */
export const exampleAgent = {
  name: 'Research assistant',
  description: 'Finds sources and summarises them',
  system_prompt: 'You are a careful research assistant. Cite every source.',
  model_config: { provider: 'openai', model_name: 'deepseek-v4-pro', temperature: 0.8 },
  iteration_limit: 15,
  include_tools: [],
  workflow_config: {
    nodes: [
      { id: 'start', type: 'start', label: 'Start', position: { x: 0, y: 0 } },
      { id: 'agent', type: 'agent', label: 'Researcher', position: { x: 200, y: 0 } },
      { id: 'end', type: 'end', label: 'End', position: { x: 400, y: 0 } },
    ],
    edges: [
      { source: 'start', target: 'agent' },
      { source: 'agent', target: 'end' },
    ],
  },
};

/** The editable fields of an agent, as the API shows them (what a version's definition holds). */
export const definitionFields = [
  'name',
  'description',
  'system_prompt',
  'model_config',
  'model_config_id',
  'iteration_limit',
  'include_tools',
  'knowledge_base_ids',
  'workflow_config',
  'memory',
  'opening_message',
  'suggested_questions',
  'variables',
] as const;

/** The editable fields of `agent` alone, without id, status, version, owner and times. */
export function definitionOf(agent: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(definitionFields.map((field) => [field, agent[field]]));
}

/** A 4xx body. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: { fields?: Array<{ field: string; message: string }>; [key: string]: unknown };
}

// Exported as live bindings: a test file reads the app and user of the test now running through them.
/** The app of the test now running. */
export let testApp: TestApp;
/** The user the helpers act as by default, signed in to {@link testApp}. */
export let user: TestUser;

/** Registers the hooks that give every test of the calling file its own app and user, closed after it. */
export function useAppPerTest(): void {
  beforeEach(async () => {
    testApp = await buildTestApp();
    user = await createUser(testApp);
  });
  afterEach(async () => {
    await testApp.close();
  });
}

/** One call to /api/v1/agents + `path` as `owner`, with `payload` as the JSON body when given. */
export function request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, owner: TestUser = user, payload?: object) {
  return testApp.app.inject({ method, url: `${url}${path}`, headers: owner.headers, ...(payload ? { payload } : {}) });
}

/** Creates `exampleAgent` plus `overrides` through the API, for `user` by default. */
export function createExample(overrides: Record<string, unknown> = {}, owner: TestUser = user): Promise<AgentResponse> {
  return createAgent(testApp, owner, { ...exampleAgent, ...overrides });
}

/** PUT of `payload` on agent `id` as `owner`. */
export function update(id: string, payload: object, owner: TestUser = user) {
  return request('PUT', `/${id}`, owner, payload);
}

/** Agent `id` as `owner` reads it; throws unless the API answers 200. */
export async function fetchAgent(id: string, owner: TestUser = user): Promise<AgentResponse> {
  const response = await request('GET', `/${id}`, owner);
  if (response.statusCode !== 200) throw new Error(`fetchAgent: expected 200, got ${response.statusCode}: ${response.body}`);
  return response.json();
}

/** How many agent rows and version rows the database holds. */
export async function countRows(): Promise<{ agents: number; versions: number }> {
  const { db } = testApp.container.database;
  return { agents: await db.$count(agents), versions: await db.$count(agentVersions) };
}

/** Every agent and version row, in a stable order, as one string: equal before and after = nothing changed. */
export async function snapshot(): Promise<string> {
  const { db } = testApp.container.database;
  const byId = (left: { id: string }, right: { id: string }) => left.id.localeCompare(right.id);
  const agentRows = (await db.select().from(agents)).sort(byId);
  const versionRows = (await db.select().from(agentVersions)).sort(byId);
  expect(agentRows.length + versionRows.length).toBeGreaterThan(0);
  return JSON.stringify({ agentRows, versionRows });
}

/** Asserts a 422 VALIDATION_ERROR naming `field`, and returns its body. */
export function expectValidationError(response: { statusCode: number; json(): unknown }, field: string): ErrorBody {
  expect(response.statusCode).toBe(422);
  const body = response.json() as ErrorBody;
  expect(body.error).toBe('VALIDATION_ERROR');
  expect(body.details?.fields?.map((entry) => entry.field)).toContain(field);
  return body;
}

/** Asserts a 404 with `code`. */
export function expectNotFound(response: { statusCode: number; json(): unknown }, code: string): ErrorBody {
  expect(response.statusCode).toBe(404);
  const body = response.json() as ErrorBody;
  expect(body.error).toBe(code);
  return body;
}

/**
 * What the workflows test files share: a fresh app with the workflows routes and a signed-in user
 * for each test, a service over the same database, example graphs, and the calls they make against
 * /api/v1/workflows. Not named *.test.ts, so vitest imports it from those files instead of running it alone.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { z } from 'zod';
import { NodeTypeRegistry, type NodeType } from '../../engine/workflow/node-type.js';
import { endNode } from '../../engine/workflow/nodes/end.node.js';
import { startNode } from '../../engine/workflow/nodes/start.node.js';
import { SecretBox } from '../../platform/crypto/secret-box.js';
import { uuidV7Generator } from '../../platform/ids.js';
import { buildTestApp, testSecrets, type TestApp } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import { sharedTestDatabase } from '../../test-kit/test-database.js';
import { workflowVersionsRoutes } from './workflow-versions.routes.js';
import { WorkflowsRepository } from './workflows.repository.js';
import { workflowsRoutes } from './workflows.routes.js';
import type { WorkflowResponse } from './workflows.schemas.js';
import { WorkflowsService } from './workflows.service.js';

/** Where the workflows routes start. */
export const workflowsUrl = '/api/v1/workflows';

/** A UUID no workflow has. */
export const missingId = '0190a000-0000-7000-8000-00000000beef';

/** A tiny node type for tests: upper-cases `text` and may branch "short" or "long". */
export const shoutNode: NodeType<{ text: string; threshold: number }> = {
  type: 'shout',
  description: 'Test node: upper-cases its text',
  configSchema: z.object({ text: z.string().max(100), threshold: z.number().int().min(1).default(10) }).strict(),
  branches: () => ['short', 'long'],
  async run({ config }) {
    return { kind: 'done', output: { text: config.text.toUpperCase() } };
  },
};

/** The node types the tests' service validates with: start, end and the test node. */
export function testRegistry(): NodeTypeRegistry {
  return new NodeTypeRegistry().register(startNode).register(endNode).register(shoutNode);
}

/** start -> end, the end node passing on the start input: valid with any registry that has start and end. */
export const simpleGraph = {
  nodes: [
    {
      id: 'start',
      type: 'start',
      label: 'Start',
      config: { inputs: [{ name: 'question', type: 'string', required: true }] },
      position: { x: 0, y: 0 },
    },
    { id: 'end', type: 'end', label: 'End', config: { outputs: { answer: '{{start.input.question}}' } }, position: { x: 300, y: 0 } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'end' }],
};

/** {@link simpleGraph} with the end node's outputs replaced. */
export function graphWithOutputs(outputs: Record<string, string>) {
  return { ...simpleGraph, nodes: [simpleGraph.nodes[0]!, { ...simpleGraph.nodes[1]!, config: { outputs } }] };
}

/** The example create body. */
export const exampleWorkflow = {
  name: 'Answer bot',
  description: 'Answers one question',
  graph: simpleGraph,
  environment: { API_BASE: 'https://api.example.test' },
};

/** A 4xx body. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: { fields?: Array<{ field: string; message: string }>; [key: string]: unknown };
}

// Exported as live bindings: a test file reads the app, user and service of the test now running through them.
/** The app of the test now running. */
export let testApp: TestApp;
/** The user the helpers act as by default, signed in to {@link testApp}. */
export let user: TestUser;
/** The workflows service behind the routes of {@link testApp} (test registry, same database, clock and key). */
export let service: WorkflowsService;

/** Gives every test of the calling file its own app, user and service, closed after it. */
export function useWorkflowsApp(): void {
  beforeEach(async () => {
    const clock = new FixedClock();
    const database = await sharedTestDatabase();
    service = new WorkflowsService({
      repository: new WorkflowsRepository(database.db),
      registry: testRegistry(),
      secretBox: new SecretBox(testSecrets.encryptionKey),
      clock,
      ids: uuidV7Generator,
    });
    testApp = await buildTestApp({
      clock,
      extend: async (app) => {
        // Once modules/index.ts mounts the module, the app's own routes are the ones under test.
        if (app.routeTable.some((route) => route.url === workflowsUrl)) return;
        await app.register(workflowsRoutes, { prefix: workflowsUrl, service });
        await app.register(workflowVersionsRoutes, { prefix: workflowsUrl, service });
      },
    });
    user = await createUser(testApp);
  });
  afterEach(async () => {
    await testApp.close();
  });
}

/** One call to /api/v1/workflows + `path` as `owner` (null: without a token), with `payload` as the JSON body. */
export function request(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  owner: TestUser | null = user,
  payload?: object,
) {
  return testApp.app.inject({
    method,
    url: `${workflowsUrl}${path}`,
    headers: owner ? owner.headers : {},
    ...(payload ? { payload } : {}),
  });
}

/** Creates `exampleWorkflow` plus `overrides` through the API as `owner`; throws unless it answers 201. */
export async function createWorkflow(overrides: Record<string, unknown> = {}, owner: TestUser = user): Promise<WorkflowResponse> {
  const response = await request('POST', '', owner, { ...exampleWorkflow, ...overrides });
  if (response.statusCode !== 201) throw new Error(`createWorkflow: expected 201, got ${response.statusCode}: ${response.body}`);
  return response.json();
}

/** Asserts a 422 VALIDATION_ERROR naming `field` ("body.graph.nodes.0.id"), and returns its body. */
export function expectValidationError(response: { statusCode: number; json(): unknown }, field: string): ErrorBody {
  expect(response.statusCode).toBe(422);
  const body = response.json() as ErrorBody;
  expect(body.error).toBe('VALIDATION_ERROR');
  expect(body.details?.fields?.map((entry) => entry.field)).toContain(field);
  return body;
}

/** Asserts a 4xx with `status` and `code`, and returns its body. */
export function expectError(response: { statusCode: number; json(): unknown }, status: number, code: string): ErrorBody {
  expect({ status: response.statusCode, code: (response.json() as ErrorBody).error }).toEqual({ status, code });
  return response.json() as ErrorBody;
}

import { describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { ConversationsRepository } from '../agent-chat/conversations.repository.js';
import { RunsRepository } from './runs.repository.js';

/** What a dead process left running is closed as failed (interrupted), its session freed. */
const server = useModelServer();

/** Writes what a process that died mid-turn leaves behind: a running run, two events, a claimed session. */
async function plantDeadRun(testApp: TestApp, user: TestUser, heartbeatAgeMs: number) {
  const { db } = testApp.container.database;
  const now = testApp.clock.now();
  const runId = testApp.container.ids.uuid();
  const sessionId = testApp.container.ids.uuid();
  await new ConversationsRepository(db).createClaimed({ id: sessionId, ownerId: user.id, agentId: null, title: 't', turnId: runId, now });
  const runs = new RunsRepository(db);
  await runs.insert({
    id: runId,
    ownerId: user.id,
    kind: 'chat',
    status: 'running',
    sessionId,
    input: { message: 'hello' },
    createdAt: now,
    startedAt: now,
    heartbeatAt: new Date(now.getTime() - heartbeatAgeMs),
  });
  const token = (content: string, seq: number) => ({ seq, event: 'token', data: { type: 'token', content }, createdAt: now });
  await runs.appendEvents(runId, [token('Hel', 1), token('lo', 2)]);
  return { runId, sessionId };
}

async function expectClosed(testApp: TestApp, user: TestUser, planted: { runId: string; sessionId: string }) {
  const run = await testApp.app.inject({ url: `/api/v1/runs/${planted.runId}`, headers: user.headers });
  const events = await testApp.app.inject({ url: `/api/v1/runs/${planted.runId}/events`, headers: user.headers });
  server.enqueue({ text: 'answered' });
  const next = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/agent-chat/bare',
    headers: user.headers,
    payload: { message: 'still there?', session_id: planted.sessionId },
  });

  expect(run.json()).toMatchObject({ status: 'failed', error: { code: 'RUN_INTERRUPTED' }, finished_at: expect.any(String) });
  expect(parseEventStream(events.body).map((event) => [event.id, event.event])).toEqual([
    ['1', 'token'],
    ['2', 'token'],
    ['3', 'error'],
  ]);
  expect(next.statusCode).toBe(200);
}

describe('runs left running by a dead process', () => {
  it('are closed as failed RUN_INTERRUPTED when the server starts, and their session is free again', async () => {
    const before = await buildTestApp();
    const user = await createUser(before);
    await createModelConfig(before, user, { base_url: server.baseUrl, is_default: true });
    const planted = await plantDeadRun(before, user, 5 * 60_000);
    await before.close();

    const after = await buildTestApp({ keepData: true });
    try {
      await expectClosed(after, user, planted);
    } finally {
      await after.close();
    }
  });

  it('are closed by the periodic sweep once their heartbeat is stale, while the server runs', async () => {
    const testApp = await buildTestApp({ runsTiming: { heartbeatMs: 20, staleMs: 60_000 } });
    try {
      const user = await createUser(testApp);
      await createModelConfig(testApp, user, { base_url: server.baseUrl, is_default: true });
      const planted = await plantDeadRun(testApp, user, 0);
      testApp.clock.advance(61_000);

      let status = '';
      for (let attempt = 0; attempt < 100 && status !== 'failed'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await testApp.app.inject({ url: `/api/v1/runs/${planted.runId}`, headers: user.headers })).json().status;
      }

      await expectClosed(testApp, user, planted);
    } finally {
      await testApp.close();
    }
  });
});

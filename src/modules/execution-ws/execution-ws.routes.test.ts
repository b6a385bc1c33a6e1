import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.js';
import { buildTestApp, type TestApp, type TestAppOptions } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { createLinearWorkflow, delayedGreeting, execute, listenLocally, openSocket, refusedUpgrade } from './execution-ws.test-helpers.js';

/** Who may open /ws/executions/{id}, with which token, and what a refused or silent client gets. */
let testApp: TestApp;
let user: TestUser;
let baseUrl: string;

async function start(options: TestAppOptions = {}): Promise<void> {
  testApp = await buildTestApp(options);
  user = await createUser(testApp);
  baseUrl = await listenLocally(testApp);
}

afterEach(async () => {
  await testApp.close();
});

async function finishedExecution(): Promise<string> {
  return execute(testApp, user, await createLinearWorkflow(testApp, user, delayedGreeting(0)), 'sync');
}

describe('/ws/executions/{id} upgrade', () => {
  it('refuses a missing or bad token with 401 before the upgrade', async () => {
    await start();
    const id = await finishedExecution();
    const url = `${baseUrl}/ws/executions/${id}`;

    const missing = await refusedUpgrade(url);
    const badQuery = await refusedUpgrade(`${url}?token=not-a-jwt`);
    const badHeader = await refusedUpgrade(url, { authorization: 'Bearer not-a-jwt' });
    const emptyQuery = await refusedUpgrade(`${url}?token=`);

    expect(missing).toMatchObject({ status: 401, body: { error: 'AUTH_REQUIRED', message: expect.any(String) } });
    expect(badQuery).toMatchObject({ status: 401, body: { error: 'AUTH_INVALID_TOKEN' } });
    expect(badHeader).toMatchObject({ status: 401, body: { error: 'AUTH_INVALID_TOKEN' } });
    expect(emptyQuery.status).toBe(401);
  });

  it('accepts the token as ?token= or as the Authorization header', async () => {
    await start();
    const id = await finishedExecution();

    const byQuery = await openSocket(`${baseUrl}/ws/executions/${id}?token=${user.token}`);
    const byHeader = await openSocket(`${baseUrl}/ws/executions/${id}`, { headers: user.headers });

    expect((await byQuery.closed).code).toBe(1000);
    expect((await byHeader.closed).code).toBe(1000);
    expect(byQuery.messages[0]).toMatchObject({ event: 'status', data: { execution_id: id } });
    expect(byHeader.messages).toEqual(byQuery.messages);
  });

  it("answers 404 for another user's execution and an unknown id, 422 for a bad id or after_seq", async () => {
    await start();
    const id = await finishedExecution();
    const stranger = await createUser(testApp);
    const as = (token: string, path: string) => refusedUpgrade(`${baseUrl}/ws/executions/${path}${path.includes('?') ? '&' : '?'}token=${token}`);

    const foreign = await as(stranger.token, id);
    const unknown = await as(user.token, randomUUID());
    const notUuid = await as(user.token, 'not-a-uuid');
    const badAfter = await as(user.token, `${id}?after_seq=-1`);

    expect(foreign).toMatchObject({ status: 404, body: { error: 'EXECUTION_NOT_FOUND' } });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'EXECUTION_NOT_FOUND' } });
    expect(notUuid).toMatchObject({ status: 422, body: { error: 'VALIDATION_ERROR' } });
    expect(notUuid.body.details!.fields![0]!.field).toBe('params.execution_id');
    expect(badAfter).toMatchObject({ status: 422, body: { error: 'VALIDATION_ERROR' } });
    expect(badAfter.body.details!.fields![0]!.field).toBe('querystring.after_seq');
  });

  it('answers a plain GET without an upgrade with 400 WS_UPGRADE_REQUIRED', async () => {
    await start();
    const id = await finishedExecution();

    const response = await testApp.app.inject({ method: 'GET', url: `/ws/executions/${id}`, headers: user.headers });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'WS_UPGRADE_REQUIRED', message: expect.any(String) });
  });

  it('keeps a token given in the query out of the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    await start({ logger: createLogger('info', sink) });
    const id = await finishedExecution();

    const client = await openSocket(`${baseUrl}/ws/executions/${id}?token=${user.token}`);
    await client.closed;
    await refusedUpgrade(`${baseUrl}/ws/executions/${randomUUID()}?token=${user.token}`);

    expect(lines.some((line) => line.includes('/api/v1/workflows'))).toBe(true);
    expect(lines.join('')).not.toContain(user.token);
  });
});

describe('/ws/executions/{id} on shutdown', () => {
  it('closes open sockets with 1001 going away', async () => {
    await start();
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(20_000));
    const id = await execute(testApp, user, workflowId, 'async');
    const client = await openSocket(`${baseUrl}/ws/executions/${id}?token=${user.token}`);
    await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');

    await testApp.close();

    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});

import { describe, expect, it } from 'vitest';
import { openPglite } from '../src/platform/db/database.js';
import { buildTestApp } from '../src/test-kit/build-test-app.js';
import { createUser } from '../src/test-kit/factories.js';

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new ones, then closes the database', async () => {
    const database = await openPglite();
    let entered!: () => void;
    const requestEntered = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const testApp = await buildTestApp({
      database,
      extend: (app) => {
        app.get('/api/v1/test/slow', { schema: { summary: 'test', tags: ['test'] } }, async () => {
          entered();
          await gate;
          return { done: true };
        });
      },
    });
    const user = await createUser(testApp);
    const address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });

    const inFlight = fetch(`${address}/api/v1/test/slow`, { headers: user.headers });
    await requestEntered;
    const closing = testApp.close();
    const refused = await fetch(`${address}/health`).then(
      (response) => response.status,
      () => 'refused',
    );
    release();
    const response = await inFlight;
    await closing;

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect([503, 'refused']).toContain(refused);
    expect(database.pglite?.closed).toBe(true);
  });
});

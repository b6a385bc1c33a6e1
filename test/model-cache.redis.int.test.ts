import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';
import { createModelConfig, createUser } from '../src/test-kit/factories.js';
import { startModelServer, type ModelServer } from '../src/test-kit/model-server/index.js';
import { deleteRedisKeys, serviceAvailable, serviceUrl } from '../src/test-kit/services.js';

const hasRedis = await serviceAvailable('redis', 'model-cache.redis');

describe.runIf(hasRedis)('resolved models across instances with REDIS_URL', () => {
  const prefix = `tiangong-test-${randomBytes(4).toString('hex')}:`;
  const apps: TestApp[] = [];
  const servers: ModelServer[] = [];

  afterAll(async () => {
    for (const testApp of apps) await testApp.close();
    for (const server of servers) await server.close();
    await deleteRedisKeys(prefix);
  });

  it('a config changed on one instance is used at once by the other', async () => {
    const env = { REDIS_URL: serviceUrl('redis'), REDIS_PREFIX: prefix };
    const [first, second] = [await buildTestApp({ env }), await buildTestApp({ env, keepData: true })];
    apps.push(first!, second!);
    const [oldServer, newServer] = [await startModelServer(), await startModelServer()];
    servers.push(oldServer!, newServer!);
    oldServer!.setDefault({ text: 'old endpoint' });
    newServer!.setDefault({ text: 'new endpoint' });
    const user = await createUser(first!);
    const created = await createModelConfig(first!, user, { name: 'm', base_url: oldServer!.baseUrl, model_name: 'm', is_default: true });
    const chatOnSecond = async () =>
      (await second!.app.inject({ method: 'POST', url: '/api/v1/agent-chat/bare', headers: user.headers, payload: { message: 'hi' } })).json();

    const before = await chatOnSecond();
    await first!.app.inject({
      method: 'PUT',
      url: `/api/v1/model-configs/${created.id}`,
      headers: user.headers,
      payload: { base_url: newServer!.baseUrl },
    });
    // The change reaches the other instance through Redis pub/sub; allow it a moment.
    let after = await chatOnSecond();
    for (let attempt = 0; attempt < 20 && after.content !== 'new endpoint'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      after = await chatOnSecond();
    }

    expect(before.content).toBe('old endpoint');
    expect(after.content).toBe('new endpoint');
  });
});

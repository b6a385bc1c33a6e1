import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';
import { deleteRedisKeys, serviceAvailable, serviceUrl } from '../src/test-kit/services.js';

const hasRedis = await serviceAvailable('redis', 'rate-limit.redis');

describe.runIf(hasRedis)('login rate limit with REDIS_URL', () => {
  const prefix = `tiangong-test-${randomBytes(4).toString('hex')}:`;
  const apps: TestApp[] = [];

  afterAll(async () => {
    for (const testApp of apps) await testApp.close();
    await deleteRedisKeys(prefix);
  });

  it('is shared by every instance on the same Redis', async () => {
    const env = { REDIS_URL: serviceUrl('redis'), REDIS_PREFIX: prefix, LOGIN_RATE_LIMIT_MAX: '4' };
    apps.push(await buildTestApp({ env }), await buildTestApp({ env, keepData: true }));
    const attempt = (testApp: TestApp) =>
      testApp.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'someone@example.test', password: 'wrong-password' },
      });

    const statuses = [];
    for (const testApp of [apps[0]!, apps[1]!, apps[0]!, apps[1]!, apps[0]!, apps[1]!]) {
      statuses.push((await attempt(testApp)).statusCode);
    }

    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});

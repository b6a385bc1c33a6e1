import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logger.js';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';

const lines: Array<Record<string, unknown>> = [];
let testApp: TestApp;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  testApp = await buildTestApp({ logger: createLogger('info', sink) });
});
afterAll(async () => {
  await testApp.close();
});

describe('request logging', () => {
  it('puts the request id on every line a request writes, errors included', async () => {
    await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-request-id': 'trace-login-1', authorization: 'Bearer secret-token-value' },
      payload: { username: 'nobody@example.test', password: 'my-secret-password' },
    });

    const requestLines = lines.filter((line) => line.request_id === 'trace-login-1');
    expect(requestLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'Incorrect e-mail or password', 'request completed']),
    );
    expect(lines.filter((line) => line.req && line.request_id === undefined)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('my-secret-password');
    expect(JSON.stringify(lines)).not.toContain('secret-token-value');
  });
});

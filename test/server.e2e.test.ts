import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Runs the real entry point (src/main.ts) as a child process, the way `npm start` does, to prove
 * that SIGTERM shuts it down cleanly and that data and secrets in DATA_DIR survive a restart.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tiangong-e2e-'));
const root = path.resolve(import.meta.dirname, '..');

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface RunningProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

function startServer(): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]!, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function stop(server: RunningProcess): Promise<number | null> {
  return new Promise((resolve) => {
    server.child.once('exit', (code) => resolve(code));
    server.child.kill('SIGTERM');
  });
}

async function login(baseUrl: string, email: string, password: string) {
  return fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: email, password }),
  });
}

describe('npm start', () => {
  it('keeps accounts and tokens across a SIGTERM restart', async () => {
    const first = await startServer();
    const registered = await fetch(`${first.baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'restart@example.test', password: 'password-123', nickname: 'restart' }),
    });
    const { access_token: token } = (await (await login(first.baseUrl, 'restart@example.test', 'password-123')).json()) as {
      access_token: string;
    };
    const exitCode = await stop(first);

    const second = await startServer();
    const relogin = await login(second.baseUrl, 'restart@example.test', 'password-123');
    const me = await fetch(`${second.baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    await stop(second);

    expect(registered.status).toBe(201);
    expect(exitCode).toBe(0);
    expect(first.output()).toContain('shutting down');
    expect(relogin.status).toBe(200);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe('restart@example.test');
    // Two server start-ups (migrations, sandbox and tool set-up) on a busy 2-core machine.
  }, 120_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A workflow execution survives its process being killed (SIGKILL, no shutdown hook): the next
 * process resumes it from its last completed node, and completed nodes do not run again.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tiangong-crash-'));
const root = path.resolve(import.meta.dirname, '..');
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startServer(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The fields of the answers this test reads. */
interface ExecutionBody {
  id: string;
  status: string;
  output: Record<string, unknown>;
  steps: Array<{ node_id: string; started_at: string }>;
}

async function call(baseUrl: string, token: string, method: string, url: string, body?: object) {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as ExecutionBody };
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a killed process', () => {
  //   start -> first -> pause_here (delay 1.5 s) -> last -> end
  it('leaves its workflow execution to the next process, which resumes after the completed nodes', async () => {
    const first = await startServer();
    await fetch(`${first.baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'crash@example.test', password: 'password-123', nickname: 'crash' }),
    });
    const login = await fetch(`${first.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'crash@example.test', password: 'password-123' }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const workflow = await call(first.baseUrl, token, 'POST', '/api/v1/workflows', {
      name: 'Crash test',
      graph: {
        nodes: [
          { id: 'start', type: 'start', config: {} },
          { id: 'first', type: 'template', config: { template: 'one' } },
          { id: 'pause_here', type: 'delay', config: { ms: 1500 } },
          { id: 'last', type: 'template', config: { template: '{{first.output.text}} then two' } },
          { id: 'end', type: 'end', config: { outputs: { result: '{{last.output.text}}' } } },
        ],
        edges: [
          { source: 'start', target: 'first' },
          { source: 'first', target: 'pause_here' },
          { source: 'pause_here', target: 'last' },
          { source: 'last', target: 'end' },
        ],
      },
    });
    const started = await call(first.baseUrl, token, 'POST', `/api/v1/workflows/${workflow.body.id}/execute`, { mode: 'async' });
    const executionUrl = `/api/v1/executions/${started.body.id}`;
    const before = await poll(
      () => call(first.baseUrl, token, 'GET', executionUrl),
      (response) => response.body.steps.some((step) => step.node_id === 'first'),
    );

    await killed(first.child);
    const second = await startServer();
    const after = await poll(
      () => call(second.baseUrl, token, 'GET', executionUrl),
      (response) => response.body.status !== 'running',
    );
    const events = await fetch(`${second.baseUrl}/api/v1/runs/${started.body.id}/events`, { headers: { authorization: `Bearer ${token}` } });
    const eventText = await events.text();
    await killed(second.child);

    expect(workflow.status).toBe(201);
    expect(before.body.status).toBe('running');
    expect(after.body).toMatchObject({ status: 'succeeded', output: { result: 'one then two' } });
    const firstStep = after.body.steps.find((step) => step.node_id === 'first')!;
    const firstBefore = before.body.steps.find((step) => step.node_id === 'first')!;
    expect(firstStep.started_at).toBe(firstBefore.started_at);
    expect(eventText.match(/"node_id":"first"/g)?.length).toBe(2);
  }, 120_000);
});

import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { SandboxFailureKind, SandboxRunResult } from '../platform/sandbox/sandbox.js';

/** One attempt to escape the sandbox or exhaust a limit, and what counts as contained. */
export interface EscapeCase {
  name: string;
  code: string | (() => string);
  timeoutMs?: number;
  memoryMb?: number;
  /** Either the failure kinds that count as contained, or a check on a successful result. */
  contained: SandboxFailureKind[] | ((result: unknown) => void);
  message?: RegExp;
  /** An overrun: afterwards the pool must still run a simple job. */
  overrun?: boolean;
}

/** A TCP canary on loopback for the file: any connection means code reached the network. */
export function useLoopbackCanary(): { port(): number; connections(): number } {
  let canary: Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    canary = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    port = (canary.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => canary.close(resolve));
    expect(connections).toBe(0);
  });
  return { port: () => port, connections: () => connections };
}

/** Asserts a run was contained as the case says, and kept its output within the cap. */
export function expectContained(result: SandboxRunResult, testCase: EscapeCase): void {
  if (typeof testCase.contained === 'function') {
    expect(result.ok ? 'ok' : result.error).toBe('ok');
    if (result.ok) testCase.contained(result.result);
    return;
  }
  expect(result.ok ? result.result : 'failed').toBe('failed');
  if (result.ok) return;
  expect(testCase.contained).toContain(result.error.kind);
  if (testCase.message) expect(result.error.message).toMatch(testCase.message);
  expect(Buffer.byteLength(result.logs)).toBeLessThanOrEqual(1024 * 1024);
}

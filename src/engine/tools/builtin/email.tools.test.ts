import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { OutboundRequestBlocked } from '../../../platform/http-client/index.js';
import { ToolError } from '../tool.js';
import { emailTools, type EmailToolDeps } from './email.tools.js';
import { runTool, testToolContext, toolErrorOf } from './tool-test-kit.js';

/** What the fake server saw of one SMTP session. */
interface SmtpSession {
  greeting: string | null;
  auth: string | null;
  mailFrom: string | null;
  recipients: string[];
  data: string | null;
}

interface FakeSmtp {
  port: number;
  sessions: SmtpSession[];
  connections(): number;
  openSockets(): number;
  close(): Promise<void>;
}

/** Answers one SMTP command line; returns false when the session should end. */
function answer(line: string, session: SmtpSession, socket: Socket, rejected: readonly string[]): boolean {
  const [verb = ''] = line.split(' ');
  const command = verb.toUpperCase();
  if (command === 'EHLO' || command === 'HELO') {
    session.greeting = line;
    socket.write('250-fake.test greets you\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
  } else if (command === 'AUTH') {
    const [, , initial] = line.split(' ');
    session.auth = Buffer.from(initial ?? '', 'base64').toString('utf8');
    socket.write('235 2.7.0 Authentication successful\r\n');
  } else if (command === 'MAIL') {
    session.mailFrom = /<([^>]*)>/.exec(line)?.[1] ?? null;
    socket.write('250 2.1.0 Ok\r\n');
  } else if (command === 'RCPT') {
    const recipient = /<([^>]*)>/.exec(line)?.[1] ?? '';
    if (rejected.includes(recipient)) {
      socket.write('550 5.1.1 No such user\r\n');
    } else {
      session.recipients.push(recipient);
      socket.write('250 2.1.5 Ok\r\n');
    }
  } else if (command === 'DATA') {
    session.data = '';
    socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
  } else if (command === 'QUIT') {
    socket.end('221 2.0.0 Bye\r\n');
    return false;
  } else {
    socket.write(command === 'RSET' || command === 'NOOP' ? '250 2.0.0 Ok\r\n' : '502 5.5.2 Command not recognized\r\n');
  }
  return true;
}

/** A minimal SMTP server on loopback (greeting, EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT; no TLS). */
async function startFakeSmtp(options: { rejected?: string[]; silent?: boolean } = {}): Promise<FakeSmtp> {
  const sessions: SmtpSession[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const session: SmtpSession = { greeting: null, auth: null, mailFrom: null, recipients: [], data: null };
    sessions.push(session);
    let buffered = '';
    let readingData = false;
    socket.setEncoding('utf8');
    // A silent server accepts the connection and never greets, like a stalled one.
    if (options.silent === true) return;
    socket.write('220 fake.test ESMTP ready\r\n');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (readingData) {
          if (line === '.') {
            readingData = false;
            socket.write(`250 2.0.0 Ok: queued as ${randomUUID()}\r\n`);
          } else {
            session.data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          }
        } else if (!answer(line, session, socket, options.rejected ?? [])) {
          return;
        } else {
          readingData = line.toUpperCase() === 'DATA';
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sessions,
    connections: () => connections,
    openSockets: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const servers: FakeSmtp[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setUp(smtp: (port: number) => EmailToolDeps['smtp'], options: { rejected?: string[]; silent?: boolean } = {}) {
  const server = await startFakeSmtp(options);
  servers.push(server);
  const resolved: string[] = [];
  const tools = emailTools({
    smtp: smtp(server.port),
    resolveHost: async (host) => {
      resolved.push(host);
      return '127.0.0.1';
    },
  });
  return { server, resolved, tools };
}

const message = (overrides: Record<string, unknown> = {}) => ({
  to: ['ana@example.com'],
  subject: `Report ${randomUUID()}`,
  text: 'The numbers are in.\n.A line that starts with a dot.',
  ...overrides,
});

describe('send_email', () => {
  it('sends through the SMTP server the host resolves to, with credentials, and reports the result', async () => {
    const { server, resolved, tools } = await setUp((port) => ({ url: `smtp://mailer%40example.com:s3cret@mail.example.test:${port}`, from: 'Tiangong <bot@example.com>' }));
    const input = message({ cc: ['bo@example.com'], bcc: ['cy@example.com'], html: '<p>The numbers are in.</p>', reply_to: 'team@example.com' });

    const result = await runTool<{ message_id: string; accepted: string[]; rejected: string[] }>(tools, 'send_email', input);

    expect(resolved).toEqual(['mail.example.test']);
    expect(result.accepted).toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com']);
    expect(result.rejected).toEqual([]);
    expect(result.message_id).toMatch(/^<.+@.+>$/);
    const [session] = server.sessions;
    expect(session?.auth).toBe('\0mailer@example.com\0s3cret');
    expect(session?.mailFrom).toBe('bot@example.com');
    expect(session?.recipients).toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com']);
    const data = session?.data ?? '';
    expect(data).toContain(`Subject: ${input.subject as string}`);
    expect(data).toContain('From: Tiangong <bot@example.com>');
    expect(data).toContain('Reply-To: team@example.com');
    expect(data).toContain('Cc: bo@example.com');
    expect(data).not.toContain('cy@example.com');
    expect(data).toContain('The numbers are in.');
    expect(data).toContain('\n.A line that starts with a dot.');
    expect(data).toContain('text/html');
    expect(data).toContain(`Message-ID: ${result.message_id}`);
  });

  it('uses the SMTP user as sender when SMTP_FROM is not set, and reports recipients the server refused', async () => {
    const { server, tools } = await setUp((port) => ({ url: `smtp://robot%40example.com:pw@127.0.0.1:${port}` }), { rejected: ['ghost@example.com'] });

    const result = await runTool<{ accepted: string[]; rejected: string[] }>(tools, 'send_email', message({ to: ['ana@example.com', 'ghost@example.com'] }));

    expect(result).toMatchObject({ accepted: ['ana@example.com'], rejected: ['ghost@example.com'] });
    expect(server.sessions[0]?.mailFrom).toBe('robot@example.com');
  });

  it('fails with EMAIL_SEND_FAILED when the server refuses every recipient', async () => {
    const { tools } = await setUp((port) => ({ url: `smtp://127.0.0.1:${port}`, from: 'bot@example.com' }), { rejected: ['ghost@example.com'] });

    const error = await toolErrorOf(tools, 'send_email', message({ to: ['ghost@example.com'] }));

    expect(error.code).toBe('EMAIL_SEND_FAILED');
    expect(error.message).toMatch(/EENVELOPE/);
  });

  it('is EMAIL_NOT_CONFIGURED without SMTP_URL, or without a sender it can use', async () => {
    const unset = emailTools({ smtp: {}, resolveHost: async () => '127.0.0.1' });
    const noSender = emailTools({ smtp: { url: 'smtp://mail.example.test:2525' }, resolveHost: async () => '127.0.0.1' });

    const first = await toolErrorOf(unset, 'send_email', message());
    const second = await toolErrorOf(noSender, 'send_email', message());

    expect(first).toMatchObject({ code: 'EMAIL_NOT_CONFIGURED', message: expect.stringMatching(/SMTP_URL/) });
    expect(second).toMatchObject({ code: 'EMAIL_NOT_CONFIGURED', message: expect.stringMatching(/SMTP_FROM/) });
  });

  it('connects smtps to the checked IP but presents the original host name for TLS', async () => {
    const serverNames: string[] = [];
    // No certificate at all: the handshake fails right after the client hello has named the server.
    const tlsServer = createTlsServer({
      SNICallback: (serverName, callback) => {
        serverNames.push(serverName);
        callback(new Error('no certificate here'));
      },
    });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const { port } = tlsServer.address() as AddressInfo;
    const resolved: string[] = [];
    const tools = emailTools({
      smtp: { url: `smtps://bot%40example.com:pw@smtp.example.test:${port}`, from: 'bot@example.com' },
      resolveHost: async (host) => {
        resolved.push(host);
        return '127.0.0.1';
      },
    });

    try {
      const error = await toolErrorOf(tools, 'send_email', message());

      expect(error.code).toBe('EMAIL_SEND_FAILED');
      expect(resolved).toEqual(['smtp.example.test']);
      expect(serverNames).toEqual(['smtp.example.test']);
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });

  it('refuses an SMTP host the address policy blocks, without connecting', async () => {
    const server = await startFakeSmtp();
    servers.push(server);
    const tools = emailTools({
      smtp: { url: `smtp://127.0.0.1:${server.port}`, from: 'bot@example.com' },
      resolveHost: async (host) => {
        throw new OutboundRequestBlocked({ reason: 'loopback', host });
      },
    });

    const error = await toolErrorOf(tools, 'send_email', message());

    expect(error.code).toBe('SSRF_BLOCKED');
    expect(server.connections()).toBe(0);
  });

  it('rejects invalid addresses, header injection and too many recipients before connecting', async () => {
    const { server, tools } = await setUp((port) => ({ url: `smtp://127.0.0.1:${port}`, from: 'bot@example.com' }));
    const many = Array.from({ length: 15 }, (_, index) => `user${index}@example.com`);

    await expect(runTool(tools, 'send_email', message({ to: ['not-an-address'] }))).rejects.toThrow(ZodError);
    await expect(runTool(tools, 'send_email', message({ to: ['ana@example.com\r\nBcc: evil@example.com'] }))).rejects.toThrow(ZodError);
    await expect(runTool(tools, 'send_email', message({ to: [] }))).rejects.toThrow(ZodError);
    await expect(runTool(tools, 'send_email', message({ subject: 'Hi\r\nBcc: evil@example.com' }))).rejects.toThrow(ZodError);
    await expect(runTool(tools, 'send_email', message({ text: 'x'.repeat(100_001) }))).rejects.toThrow(ZodError);
    const tooMany = await toolErrorOf(tools, 'send_email', message({ to: many, cc: many.map((value) => `cc.${value}`) }));
    expect(tooMany.code).toBe('EMAIL_TOO_MANY_RECIPIENTS');
    expect(server.connections()).toBe(0);
  });

  it('does not connect when the caller has already aborted', async () => {
    const { server, tools } = await setUp((port) => ({ url: `smtp://127.0.0.1:${port}`, from: 'bot@example.com' }));
    const tool = tools[0]!;
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));

    const outcome = tool.execute(tool.inputSchema.parse(message()), { ...testToolContext(), signal: controller.signal });

    await expect(outcome).rejects.toThrow('run cancelled');
    await expect(outcome).rejects.not.toBeInstanceOf(ToolError);
    expect(server.connections()).toBe(0);
  });

  it('closes the connection when the caller aborts while the server stalls', async () => {
    const { server, tools } = await setUp((port) => ({ url: `smtp://127.0.0.1:${port}`, from: 'bot@example.com' }), { silent: true });
    const tool = tools[0]!;
    const controller = new AbortController();
    const outcome = tool.execute(tool.inputSchema.parse(message()), { ...testToolContext(), signal: controller.signal });
    await vi.waitFor(() => expect(server.openSockets()).toBe(1));

    controller.abort(new Error('run cancelled'));

    await expect(outcome).rejects.toThrow('run cancelled');
    await vi.waitFor(() => expect(server.openSockets()).toBe(0));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClient, createHttpClient } from './http-client.js';
import { OutboundRequestBlocked } from './http-client.errors.js';
import { type Canary, type Upstream, scriptedResolver, startCanary, startUpstream } from '../../test-kit/http-upstream.js';

// Every URL below aims at a loopback canary that counts TCP connections; the guard must refuse all of them with
// OutboundRequestBlocked, and the canary must end the file with zero connections.

let canary: Canary;
let canaryV6: Canary | null;
let redirector: Upstream;
let client: HttpClient;

const resolver = scriptedResolver({
  'redirector.test': ['127.0.0.1'],
  'loopback.test': ['127.0.0.1'],
  'loopback-alias.test': ['127.1.2.3'],
  'public-then-loopback.test': ['93.184.216.34', '127.0.0.1'],
  'loopback-then-public.test': ['127.0.0.1', '93.184.216.34'],
  'v6-loopback.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'nat64.test': ['64:ff9b::7f00:1'],
  'zero.test': ['0.0.0.0'],
  'metadata.test': ['169.254.169.254'],
  'garbage.test': ['localhost'],
  'empty.test': [],
  'rebind.test': [['93.184.216.34'], ['127.0.0.1']],
  'localhost': ['127.0.0.1'],
  'foo.localhost': ['127.0.0.1'],
});

beforeAll(async () => {
  canary = await startCanary();
  // Same port on ::1 when the host has IPv6, so [::1] and [::] leaks are caught too.
  canaryV6 = await startCanary('::1', canary.port).catch(() => null);
  redirector = await startUpstream((request, response) => {
    const target = new URL(request.url, 'http://redirector.test').searchParams.get('to') ?? '/';
    response.writeHead(302, { location: target }).end();
  });
  client = createHttpClient({ allowedPrivateHosts: [`redirector.test:${redirector.port}`], resolver: resolver.resolve });
});

afterAll(async () => {
  await client.close();
  await Promise.all([canary.close(), canaryV6?.close(), redirector.close()]);
});

/** The corpus: [url template, expected reason]; PORT is the canary's port. */
const corpus: readonly (readonly [string, string])[] = [
  ['http://127.0.0.1:PORT/', 'loopback'],
  ['https://127.0.0.1:PORT/', 'loopback'],
  ['http://127.0.0.2:PORT/', 'loopback'],
  ['http://localhost:PORT/', 'localhost-name'],
  ['http://LOCALHOST:PORT/', 'localhost-name'],
  ['http://localhost.:PORT/', 'localhost-name'],
  ['http://foo.localhost:PORT/', 'localhost-name'],
  ['http://a.b.localhost.:PORT/', 'localhost-name'],
  ['http://%6c%6f%63%61%6c%68%6f%73%74:PORT/', 'localhost-name'],
  ['http://2130706433:PORT/', 'loopback'],
  ['http://0177.0.0.1:PORT/', 'loopback'],
  ['http://0x7f.0.0.1:PORT/', 'loopback'],
  ['http://0x7f000001:PORT/', 'loopback'],
  ['http://017700000001:PORT/', 'loopback'],
  ['http://127.1:PORT/', 'loopback'],
  ['http://0x7f.1:PORT/', 'loopback'],
  ['http://127.0.1:PORT/', 'loopback'],
  ['http://0177.0x0.1:PORT/', 'loopback'],
  ['http://0x7f.0x00.0x00.0x01:PORT/', 'loopback'],
  ['http://127.000.000.001:PORT/', 'loopback'],
  ['http://127.0.0.1.:PORT/', 'loopback'],
  ['http://%31%32%37.0.0.1:PORT/', 'loopback'],
  ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:PORT/', 'loopback'],
  ['http://user:pass@127.0.0.1:PORT/', 'loopback'],
  ['http://redirector.test@127.0.0.1:PORT/', 'loopback'],
  ['http://127.0.0.1:PORT\\@redirector.test/', 'loopback'],
  ['http://127.0.0.1:PORT#@redirector.test/', 'loopback'],
  ['http://0.0.0.0:PORT/', 'unspecified'],
  ['http://0:PORT/', 'unspecified'],
  ['http://[::]:PORT/', 'unspecified'],
  ['http://[::1]:PORT/', 'loopback'],
  ['http://[0000:0000:0000:0000:0000:0000:0000:0001]:PORT/', 'loopback'],
  ['http://[::ffff:127.0.0.1]:PORT/', 'loopback'],
  ['http://[::ffff:7f00:1]:PORT/', 'loopback'],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]:PORT/', 'loopback'],
  ['http://[::ffff:0:127.0.0.1]:PORT/', 'loopback'],
  ['http://[::127.0.0.1]:PORT/', 'loopback'],
  ['http://[64:ff9b::127.0.0.1]:PORT/', 'loopback'],
  ['http://[2002:7f00:1::]:PORT/', 'loopback'],
  ['http://[fe80::1%25lo]:PORT/', 'invalid-url'],
  ['http://loopback.test:PORT/', 'loopback'],
  ['http://LOOPBACK.test.:PORT/', 'loopback'],
  ['http://loopback-alias.test:PORT/', 'loopback'],
  ['http://public-then-loopback.test:PORT/', 'loopback'],
  ['http://loopback-then-public.test:PORT/', 'loopback'],
  ['http://v6-loopback.test:PORT/', 'loopback'],
  ['http://mapped.test:PORT/', 'loopback'],
  ['http://nat64.test:PORT/', 'loopback'],
  ['http://zero.test:PORT/', 'unspecified'],
  ['http://metadata.test:PORT/', 'cloud-metadata'],
  ['http://garbage.test:PORT/', 'invalid-address'],
  ['http://empty.test:PORT/', 'no-address'],
  ['http://redirector.test:PORT/', 'loopback'], // the listed name is only open on its own port
  ['ftp://127.0.0.1:PORT/', 'unsupported-scheme'],
  ['gopher://127.0.0.1:PORT/_GET%20/', 'unsupported-scheme'],
  ['ws://127.0.0.1:PORT/', 'unsupported-scheme'],
  ['file:///etc/passwd', 'unsupported-scheme'],
  ['data:text/plain,hello', 'unsupported-scheme'],
];

/** Redirect targets served by the allowed redirector; each must be refused at the hop. */
const redirectTargets: readonly (readonly [string, string])[] = [
  ['http://127.0.0.1:PORT/', 'loopback'],
  ['http://localhost:PORT/', 'localhost-name'],
  ['http://2130706433:PORT/', 'loopback'],
  ['http://[::1]:PORT/', 'loopback'],
  ['//127.0.0.1:PORT/', 'loopback'],
  ['http://loopback.test:PORT/', 'loopback'],
  ['http://redirector.test:PORT/', 'loopback'],
  ['ftp://127.0.0.1:PORT/', 'unsupported-scheme'],
];

function withPort(template: string): string {
  return template.replaceAll('PORT', String(canary.port));
}

async function refusal(call: Promise<unknown>): Promise<OutboundRequestBlocked> {
  const error = await call.then(
    () => new Error('the request was not refused'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(OutboundRequestBlocked);
  return error as OutboundRequestBlocked;
}

describe('SSRF bypass corpus', () => {
  it('has at least 40 distinct URLs', () => {
    expect(new Set([...corpus, ...redirectTargets].map(([url]) => url)).size).toBeGreaterThanOrEqual(40);
  });

  it.each(corpus)('refuses %s through fetch, request and check', async (template, reason) => {
    const url = withPort(template);
    expect((await refusal(client.fetch(url))).reason).toBe(reason);
    expect((await refusal(client.request(url, { method: 'POST', body: 'x' }))).reason).toBe(reason);
    expect((await refusal(client.check(url))).reason).toBe(reason);
  });

  it.each(redirectTargets)('refuses a redirect from the allowed host to %s at the hop', async (template, reason) => {
    const before = redirector.received.length;
    const redirectUrl = `http://redirector.test:${redirector.port}/?to=${encodeURIComponent(withPort(template))}`;
    const error = await refusal(client.fetch(redirectUrl));
    expect(error.reason).toBe(reason);
    expect(redirector.received.length).toBe(before + 1);
  });

  it.each(['http://127.0.0.1:PORT/', 'http://2130706433:PORT/', 'http://loopback.test:PORT/'])(
    'refuses a Request object aimed at %s',
    async (template) => {
      const request = new Request(withPort(template), { method: 'PUT', body: 'payload' });
      expect((await refusal(client.fetch(request))).reason).toBe('loopback');
    },
  );

  it('refuses a name that rebinds to loopback after an earlier check passed', async () => {
    const url = withPort('http://rebind.test:PORT/');
    await expect(client.check(url)).resolves.toMatchObject({ address: expect.any(String) });
    expect((await refusal(client.fetch(url))).reason).toBe('loopback');
    expect(resolver.calls('rebind.test')).toBe(2);
  });

  it('never lets a blocked message carry URL credentials', async () => {
    const error = await refusal(client.fetch(withPort('http://admin:hunter2@127.0.0.1:PORT/')));
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error.details)).not.toContain('hunter2');
  });

  it('left the canary without a single connection', () => {
    expect(canary.connections()).toBe(0);
    expect(canaryV6?.connections() ?? 0).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { OutboundRequestBlocked } from './http-client.errors.js';
import { formatIpAddress } from './ip-address.js';
import { isLocalhostName, parseOutboundUrl } from './target-url.js';

function blockReason(url: string): string | null {
  try {
    parseOutboundUrl(url);
    return null;
  } catch (error) {
    if (error instanceof OutboundRequestBlocked) return error.reason;
    throw error;
  }
}

describe('parseOutboundUrl', () => {
  // The WHATWG URL parser does the IPv4 normalisation; these rows pin that behaviour down.
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0177.0x0.1/', '127.0.0.1'],
    ['http://127.000.000.001/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://[::ffff:127.0.0.1]/', '0:0:0:0:0:ffff:7f00:1'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '0:0:0:0:0:ffff:7f00:1'],
    ['http://[::1]:8080/', '0:0:0:0:0:0:0:1'],
    ['https://[::]/', '0:0:0:0:0:0:0:0'],
  ])('reads %s as the literal %s', (url, literal) => {
    const target = parseOutboundUrl(url);
    expect(target.literal === null ? null : formatIpAddress(target.literal)).toBe(literal);
  });

  it.each([
    ['http://localhost./', 'localhost'],
    ['http://%6c%6f%63%61%6c%68%6f%73%74/', 'localhost'],
    ['http://A.LocalHost/', 'a.localhost'],
    ['http://127.0.0.1.nip.io/', '127.0.0.1.nip.io'],
  ])('reads %s as the name %s', (url, hostname) => {
    const target = parseOutboundUrl(url);
    expect(target.literal).toBeNull();
    expect(target.hostname).toBe(hostname);
  });

  it.each([
    ['file:///etc/passwd', 'unsupported-scheme'],
    ['ftp://127.0.0.1/', 'unsupported-scheme'],
    ['gopher://127.0.0.1:6379/_INFO', 'unsupported-scheme'],
    ['data:text/plain,hello', 'unsupported-scheme'],
    ['ws://example.com/', 'unsupported-scheme'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['http://[fe80::1%25eth0]/', 'invalid-url'],
    ['http://1.2.3.4.5/', 'invalid-url'],
    ['http://0x100000000/', 'invalid-url'],
    ['not a url', 'invalid-url'],
    ['http://', 'invalid-url'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(blockReason(url)).toBe(reason);
  });

  it('uses the scheme default port when none is written', () => {
    expect(parseOutboundUrl('http://example.com/').port).toBe(80);
    expect(parseOutboundUrl('https://example.com/').port).toBe(443);
    expect(parseOutboundUrl('https://example.com:8443/').port).toBe(8443);
  });

  it('takes the credentials out of the URL, decoded, and keeps them out of error messages', () => {
    const target = parseOutboundUrl('http://us%40er:p%3Ass@example.com/path');
    expect(target.credentials).toEqual({ username: 'us@er', password: 'p:ss' });
    expect(target.url.href).toBe('http://example.com/path');
    try {
      parseOutboundUrl('ftp://user:secret@example.com/');
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret');
    }
  });

  it('does not change the URL object it was given', () => {
    const url = new URL('http://user:pw@example.com/');
    parseOutboundUrl(url);
    expect(url.username).toBe('user');
  });
});

describe('isLocalhostName', () => {
  it.each([
    ['localhost', true],
    ['a.localhost', true],
    ['a.b.localhost', true],
    ['localhost.example.com', false],
    ['notlocalhost', false],
  ])('%s -> %s', (name, expected) => {
    expect(isLocalhostName(name)).toBe(expected);
  });
});

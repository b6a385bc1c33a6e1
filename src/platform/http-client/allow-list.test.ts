import { describe, expect, it } from 'vitest';
import { createAllowList, parseAllowListEntry } from './allow-list.js';
import { parseIpAddress } from './ip-address.js';

function address(text: string) {
  const parsed = parseIpAddress(text);
  if (parsed === null) throw new Error(`bad test address ${text}`);
  return parsed;
}

describe('parseAllowListEntry', () => {
  it.each([
    ['ollama.internal', { kind: 'hostname', hostname: 'ollama.internal', port: null }],
    ['Ollama.Internal.', { kind: 'hostname', hostname: 'ollama.internal', port: null }],
    ['localhost:11434', { kind: 'hostname', hostname: 'localhost', port: 11434 }],
    [' gpu-box ', { kind: 'hostname', hostname: 'gpu-box', port: null }],
  ])('parses the host name entry %j', (entry, expected) => {
    expect(parseAllowListEntry(entry)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1', null],
    ['127.0.0.1:11434', 11434],
    ['::1', null],
    ['[::1]', null],
    ['[::1]:8080', 8080],
  ])('parses the address entry %j', (entry, port) => {
    const parsed = parseAllowListEntry(entry);
    expect(parsed.kind).toBe('address');
    expect(parsed.kind === 'address' ? parsed.port : undefined).toBe(port);
  });

  it.each(['10.0.0.0/8', 'fc00::/7', '192.168.1.7/32'])('parses the network entry %j', (entry) => {
    expect(parseAllowListEntry(entry).kind).toBe('network');
  });

  it.each([
    '10.0.0.0/33',
    '10.0.0.0/8:80',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '127.0.0.1:http',
    '[::1',
    '[nothost]:80',
    'http://ollama.internal',
    'ollama internal',
    '127.1',
    '0x7f.0.0.1',
    '1.2.3.4.5',
    '-bad-.example',
  ])('refuses the malformed entry %j', (entry) => {
    expect(() => parseAllowListEntry(entry)).toThrow(/Invalid allowedPrivateHosts entry/);
  });
});

describe('createAllowList', () => {
  it('opens nothing when empty, and ignores blank entries', () => {
    const allowList = createAllowList(['', '  ']);
    expect(allowList.entries).toEqual([]);
    expect(allowList.allowsHostname('localhost', 80)).toBe(false);
    expect(allowList.allowsAddress(address('127.0.0.1'), 80)).toBe(false);
  });

  it('matches host names exactly, case-insensitively, without a trailing dot, and only on the listed port', () => {
    const allowList = createAllowList(['ollama.internal:11434', 'gpu-box']);
    expect(allowList.allowsHostname('OLLAMA.internal.', 11434)).toBe(true);
    expect(allowList.allowsHostname('ollama.internal', 80)).toBe(false);
    expect(allowList.allowsHostname('evil.ollama.internal', 11434)).toBe(false);
    expect(allowList.allowsHostname('gpu-box', 1)).toBe(true);
    expect(allowList.allowsHostname('gpu-box.evil.test', 1)).toBe(false);
  });

  it('matches addresses exactly or inside networks, and covers the IPv4-mapped form', () => {
    const allowList = createAllowList(['127.0.0.1:11434', '10.20.0.0/16', 'fd00::/8']);
    expect(allowList.allowsAddress(address('127.0.0.1'), 11434)).toBe(true);
    expect(allowList.allowsAddress(address('::ffff:127.0.0.1'), 11434)).toBe(true);
    expect(allowList.allowsAddress(address('127.0.0.1'), 11435)).toBe(false);
    expect(allowList.allowsAddress(address('127.0.0.2'), 11434)).toBe(false);
    expect(allowList.allowsAddress(address('10.20.3.4'), 9)).toBe(true);
    expect(allowList.allowsAddress(address('10.21.0.1'), 9)).toBe(false);
    expect(allowList.allowsAddress(address('fd12::1'), 9)).toBe(true);
  });

  it('never opens a metadata endpoint through a network, only through its exact address', () => {
    const broad = createAllowList(['169.254.0.0/16', '0.0.0.0/0', 'fd00::/8']);
    expect(broad.allowsAddress(address('169.254.169.254'), 80)).toBe(false);
    expect(broad.allowsAddress(address('100.100.100.200'), 80)).toBe(false);
    expect(broad.allowsAddress(address('fd00:ec2::254'), 80)).toBe(false);
    expect(broad.allowsAddress(address('169.254.1.1'), 80)).toBe(true);
    expect(createAllowList(['169.254.169.254']).allowsAddress(address('169.254.169.254'), 80)).toBe(true);
  });

  it('throws at construction on a malformed entry', () => {
    expect(() => createAllowList(['ok.internal', '10.0.0.0/99'])).toThrow(/10\.0\.0\.0\/99/);
  });
});

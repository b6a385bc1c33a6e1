import { describe, expect, it } from 'vitest';
import { formatIpAddress, isInNetwork, parseIpAddress, parseIpNetwork, parseIpv4, parseIpv6 } from './ip-address.js';

function formatted(text: string): string | null {
  const parsed = parseIpAddress(text);
  return parsed === null ? null : formatIpAddress(parsed);
}

describe('parseIpv4', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
  ])('parses %s', (text, expected) => {
    expect(formatted(text)).toBe(expected);
  });

  it.each(['127.1', '0177.0.0.1', '0x7f.0.0.1', '2130706433', '256.0.0.1', '1.2.3.4.5', '1.2.3.', ' 1.2.3.4', '1.2.3.-1', ''])(
    'refuses the loose or malformed spelling %j',
    (text) => {
      expect(parseIpv4(text)).toBeNull();
    },
  );
});

describe('parseIpv6', () => {
  it.each([
    ['::1', '0:0:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '0:0:0:0:0:0:0:1'],
    ['::ffff:127.0.0.1', '0:0:0:0:0:ffff:7f00:1'],
    ['::FFFF:7F00:1', '0:0:0:0:0:ffff:7f00:1'],
    ['0:0:0:0:0:ffff:127.0.0.1', '0:0:0:0:0:ffff:7f00:1'],
    ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:1'],
    ['2001:db8::', '2001:db8:0:0:0:0:0:0'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('parses %s', (text, expected) => {
    expect(formatted(text)).toBe(expected);
  });

  it.each(['1::2::3', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', ':::', '1.2.3.4::', '::1.2.3.4:1', '1:2:3:4:5:6:7::8'])(
    'refuses %j',
    (text) => {
      expect(parseIpv6(text)).toBeNull();
    },
  );
});

describe('networks', () => {
  it('matches prefixes that end inside a byte', () => {
    const range = parseIpNetwork('172.16.0.0/12');
    expect(range).not.toBeNull();
    if (range === null) return;
    expect(isInNetwork(parseIpv4('172.31.255.255')!, range)).toBe(true);
    expect(isInNetwork(parseIpv4('172.32.0.0')!, range)).toBe(false);
    expect(isInNetwork(parseIpv6('::ffff:172.16.0.1')!, range)).toBe(false);
  });

  it.each(['10.0.0.0/33', '10.0.0.0', '10.0.0.0/8/8', '::/129', 'x/8', '10.0.0.0/-1', '10.0.0.0/ 8'])('refuses %j', (text) => {
    expect(parseIpNetwork(text)).toBeNull();
  });
});

import {
  type IpAddress,
  type IpNetwork,
  ipv4At,
  isInNetwork,
  network,
  parseIpAddress,
} from './ip-address.js';

/** Why an IP address may not be the target of an outbound request. */
export type AddressBlockReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'site-local'
  | 'cloud-metadata'
  | 'shared-address-space'
  | 'benchmarking'
  | 'documentation'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'teredo'
  | 'nat64-local'
  | 'invalid-address';

interface BlockedRange {
  range: IpNetwork;
  reason: AddressBlockReason;
}

function blocked(text: string, reason: AddressBlockReason): BlockedRange {
  return { range: network(text), reason };
}

/** Instance-metadata endpoints: refused even when a covering CIDR is allowed (only the exact address opens them). */
export const cloudMetadataNetworks: readonly IpNetwork[] = [
  network('169.254.169.254/32'), // AWS, GCP, Azure, OpenStack, DigitalOcean...
  network('168.63.129.16/32'), // Azure WireServer (a public address, meaningful only inside Azure)
  network('100.100.100.200/32'), // Alibaba Cloud
  network('fd00:ec2::254/128'), // AWS over IPv6
];

// Most specific first, so the reason names the narrowest matching range.
const blockedIpv4Ranges: readonly BlockedRange[] = [
  ...cloudMetadataNetworks.filter((range) => range.address.family === 4).map((range) => ({ range, reason: 'cloud-metadata' as const })),
  blocked('255.255.255.255/32', 'broadcast'),
  blocked('0.0.0.0/8', 'unspecified'),
  blocked('10.0.0.0/8', 'private'),
  blocked('100.64.0.0/10', 'shared-address-space'),
  blocked('127.0.0.0/8', 'loopback'),
  blocked('169.254.0.0/16', 'link-local'),
  blocked('172.16.0.0/12', 'private'),
  blocked('192.0.0.0/24', 'reserved'), // IETF protocol assignments (includes Oracle's 192.0.0.192 metadata)
  blocked('192.0.2.0/24', 'documentation'),
  blocked('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  blocked('192.168.0.0/16', 'private'),
  blocked('198.18.0.0/15', 'benchmarking'),
  blocked('198.51.100.0/24', 'documentation'),
  blocked('203.0.113.0/24', 'documentation'),
  blocked('224.0.0.0/4', 'multicast'),
  blocked('240.0.0.0/4', 'reserved'),
];

const blockedIpv6Ranges: readonly BlockedRange[] = [
  blocked('fd00:ec2::254/128', 'cloud-metadata'),
  blocked('::/128', 'unspecified'),
  blocked('::1/128', 'loopback'),
  blocked('64:ff9b:1::/48', 'nat64-local'), // local-use NAT64 (RFC 8215): reaches whatever the local translator reaches
  blocked('100::/64', 'reserved'), // discard-only
  blocked('2001::/32', 'teredo'), // tunnels to an IPv4 address we cannot see
  blocked('2001:2::/48', 'benchmarking'),
  blocked('2001:10::/28', 'reserved'), // ORCHID
  blocked('2001:20::/28', 'reserved'), // ORCHIDv2
  blocked('2001:db8::/32', 'documentation'),
  blocked('3fff::/20', 'documentation'),
  blocked('fc00::/7', 'private'), // unique local addresses
  blocked('fe80::/10', 'link-local'),
  blocked('fec0::/10', 'site-local'),
  blocked('ff00::/8', 'multicast'),
];

// IPv6 forms that carry an IPv4 address: the IPv4 address is what the packet finally reaches.
// `deprecated` forms are refused even around a public IPv4 address: nothing legitimate uses them any more.
const embeddingIpv4: readonly { range: IpNetwork; offset: number; deprecated: boolean }[] = [
  { range: network('::ffff:0:0/96'), offset: 12, deprecated: false }, // IPv4-mapped
  { range: network('::ffff:0:0:0/96'), offset: 12, deprecated: false }, // IPv4-translated (SIIT)
  { range: network('64:ff9b::/96'), offset: 12, deprecated: false }, // well-known NAT64
  { range: network('2002::/16'), offset: 2, deprecated: false }, // 6to4
  { range: network('::/96'), offset: 12, deprecated: true }, // IPv4-compatible ::a.b.c.d (RFC 4291 deprecates it)
];

const globalUnicast = network('2000::/3');

function firstMatch(address: IpAddress, ranges: readonly BlockedRange[]): AddressBlockReason | null {
  return ranges.find((entry) => isInNetwork(address, entry.range))?.reason ?? null;
}

/** The IPv4 address an IPv6 address embeds (mapped, translated, NAT64, 6to4, compatible), or null. */
export function findEmbeddedIpv4(address: IpAddress): IpAddress | null {
  if (address.family !== 6) return null;
  const form = embeddingIpv4.find((entry) => isInNetwork(address, entry.range));
  return form === undefined ? null : ipv4At(address, form.offset);
}

/**
 * Why `address` must not be contacted, or null when it is a public address.
 *
 * Steps: parse the text; IPv4 is checked against the blocked IPv4 table; IPv6 is checked against the exact
 * special addresses (::, ::1, metadata), then an embedded IPv4 is judged by the IPv4 table, then the IPv6 table, and
 * finally anything outside global unicast 2000::/3 is reserved.
 */
export function findAddressBlockReason(address: IpAddress | string): AddressBlockReason | null {
  const parsed = typeof address === 'string' ? parseIpAddress(address) : address;
  if (parsed === null) return 'invalid-address';
  if (parsed.family === 4) return firstMatch(parsed, blockedIpv4Ranges);
  const exact = firstMatch(parsed, blockedIpv6Ranges.slice(0, 3));
  if (exact !== null) return exact;
  const form = embeddingIpv4.find((entry) => isInNetwork(parsed, entry.range));
  if (form !== undefined) {
    const embeddedReason = firstMatch(ipv4At(parsed, form.offset), blockedIpv4Ranges);
    return embeddedReason ?? (form.deprecated ? 'reserved' : null);
  }
  const reason = firstMatch(parsed, blockedIpv6Ranges);
  if (reason !== null) return reason;
  return isInNetwork(parsed, globalUnicast) ? null : 'reserved';
}

/** True when `address` is refused as an outbound target (see findAddressBlockReason). */
export function isForbiddenAddress(address: IpAddress | string): boolean {
  return findAddressBlockReason(address) !== null;
}

/** True when `address` is a cloud instance-metadata endpoint (directly or embedded in IPv6). */
export function isCloudMetadataAddress(address: IpAddress): boolean {
  const target = findEmbeddedIpv4(address) ?? address;
  return cloudMetadataNetworks.some((range) => isInNetwork(target, range));
}

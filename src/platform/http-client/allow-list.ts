import { isCloudMetadataAddress } from './address-policy.js';
import {
  type IpAddress,
  type IpNetwork,
  ipv4At,
  isInNetwork,
  isSameAddress,
  network,
  parseIpAddress,
  parseIpNetwork,
} from './ip-address.js';

/** One parsed `allowedPrivateHosts` entry; `port` null means any port. */
export type AllowListEntry =
  | { kind: 'hostname'; hostname: string; port: number | null }
  | { kind: 'address'; address: IpAddress; port: number | null }
  | { kind: 'network'; network: IpNetwork };

/** The private destinations an operator opened on purpose (self-hosted model servers and the like). */
export interface AllowList {
  readonly entries: readonly AllowListEntry[];
  /** True when this host name (lowercase, no trailing dot) is listed for `port`. */
  allowsHostname(hostname: string, port: number): boolean;
  /** True when this address is listed, exactly or inside a listed network (networks never open metadata endpoints). */
  allowsAddress(address: IpAddress, port: number): boolean;
}

const hostnamePattern = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const ipv4Mapped = network('::ffff:0:0/96');

/** Lowercases a host name and drops one trailing dot, the form used for every comparison. */
export function normalizeHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function parsePort(text: string, entry: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw invalidEntry(entry, 'the port must be 1-65535');
  return port;
}

function invalidEntry(entry: string, why: string): Error {
  return new Error(`Invalid allowedPrivateHosts entry "${entry}": ${why}`);
}

/** Splits "host", "host:port", "[v6]" and "[v6]:port"; a bare IPv6 (two or more colons) has no port. */
function splitHostAndPort(entry: string): { host: string; port: number | null } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  if (bracketed !== null) {
    return { host: bracketed[1] ?? '', port: bracketed[2] === undefined ? null : parsePort(bracketed[2], entry) };
  }
  const colonCount = entry.split(':').length - 1;
  if (colonCount !== 1) return { host: entry, port: null };
  const [host = '', portText = ''] = entry.split(':');
  return { host, port: parsePort(portText, entry) };
}

/** Parses one entry: a CIDR, an IP literal or a host name, the last two with an optional port. */
export function parseAllowListEntry(raw: string): AllowListEntry {
  const entry = raw.trim().toLowerCase();
  if (entry.includes('/')) {
    const parsed = parseIpNetwork(entry);
    if (parsed === null) throw invalidEntry(raw, 'not a valid CIDR network');
    return { kind: 'network', network: parsed };
  }
  const { host, port } = splitHostAndPort(entry);
  const address = parseIpAddress(host);
  if (address !== null) return { kind: 'address', address, port };
  if (host.includes(':') || entry.startsWith('[')) throw invalidEntry(raw, 'not a valid IP address');
  const hostname = normalizeHostname(host);
  // A numeric last label makes URL parsers read the name as an IPv4 address; only the strict form is accepted above.
  const lastLabel = hostname.split('.').pop() ?? '';
  if (!hostnamePattern.test(hostname) || /^(0x[0-9a-f]*|\d+)$/.test(lastLabel)) {
    throw invalidEntry(raw, 'expected a host name, an IP address or a CIDR network');
  }
  return { kind: 'hostname', hostname, port };
}

function portMatches(entryPort: number | null, port: number): boolean {
  return entryPort === null || entryPort === port;
}

/** Builds the allow list from `allowedPrivateHosts`; blank entries are ignored, malformed ones throw. */
export function createAllowList(rawEntries: readonly string[] = []): AllowList {
  const entries = rawEntries.filter((entry) => entry.trim() !== '').map(parseAllowListEntry);
  return {
    entries,
    allowsHostname(hostname, port) {
      const wanted = normalizeHostname(hostname);
      return entries.some((entry) => entry.kind === 'hostname' && entry.hostname === wanted && portMatches(entry.port, port));
    },
    allowsAddress(address, port) {
      // A resolver may answer ::ffff:a.b.c.d for an IPv4 host; an IPv4 entry covers it.
      const comparable = isInNetwork(address, ipv4Mapped) ? ipv4At(address, 12) : address;
      return entries.some((entry) => {
        if (entry.kind === 'address') return isSameAddress(entry.address, comparable) && portMatches(entry.port, port);
        if (entry.kind === 'network') return isInNetwork(comparable, entry.network) && !isCloudMetadataAddress(comparable);
        return false;
      });
    },
  };
}

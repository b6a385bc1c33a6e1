/** An IP address as its network-order bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** A network prefix such as 10.0.0.0/8 or fc00::/7. */
export interface IpNetwork {
  address: IpAddress;
  prefixLength: number;
}

const ipv4Part = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const hexGroup = /^[0-9a-f]{1,4}$/i;

/**
 * Parses strict dotted-decimal IPv4 (four parts, no leading zeros), the only form resolvers and the WHATWG URL parser
 * produce; looser spellings are refused here so a config entry never means something other than it looks.
 */
export function parseIpv4(text: string): IpAddress | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => ipv4Part.test(part))) return null;
  return { family: 4, bytes: Uint8Array.from(parts.map(Number)) };
}

/** Parses an IPv6 address (optionally with a trailing dotted IPv4 and a %zone, which is ignored). */
export function parseIpv6(text: string): IpAddress | null {
  const withoutZone = text.split('%')[0] ?? '';
  const halves = withoutZone.split('::');
  if (halves.length > 2) return null;
  const head = parseHextets(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseHextets(halves[1] ?? '', true) : null;
  if (head === null || (halves.length === 2 && tail === null)) return null;
  let groups: number[];
  if (tail === null) {
    groups = head;
    if (groups.length !== 8) return null;
  } else {
    // "::" stands for at least one zero group.
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return { family: 6, bytes };
}

/** Splits one side of "::" into 16-bit groups; a dotted IPv4 may only end the whole address. */
function parseHextets(text: string, mayEndWithIpv4: boolean): number[] | null {
  if (text === '') return [];
  const pieces = text.split(':');
  const groups: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    const isLast = index === pieces.length - 1;
    if (piece.includes('.')) {
      const ipv4 = isLast && mayEndWithIpv4 ? parseIpv4(piece) : null;
      if (ipv4 === null) return null;
      groups.push(((ipv4.bytes[0] ?? 0) << 8) | (ipv4.bytes[1] ?? 0), ((ipv4.bytes[2] ?? 0) << 8) | (ipv4.bytes[3] ?? 0));
      continue;
    }
    if (!hexGroup.test(piece)) return null;
    groups.push(Number.parseInt(piece, 16));
  }
  return groups;
}

/** Parses an IPv4 or IPv6 literal (IPv6 without brackets), or returns null when `text` is not one. */
export function parseIpAddress(text: string): IpAddress | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Parses "address/prefix" (IPv4 or IPv6) into a network, or returns null when malformed. */
export function parseIpNetwork(text: string): IpNetwork | null {
  const [addressText, prefixText, ...rest] = text.split('/');
  if (addressText === undefined || prefixText === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefixText)) {
    return null;
  }
  const address = parseIpAddress(addressText);
  const prefixLength = Number(prefixText);
  if (address === null || prefixLength > address.bytes.length * 8) return null;
  return { address, prefixLength };
}

/** Builds a network from a literal known to be valid (for the built-in range tables). */
export function network(text: string): IpNetwork {
  const parsed = parseIpNetwork(text);
  if (parsed === null) throw new Error(`Invalid built-in network ${text}`);
  return parsed;
}

/** True when `address` lies inside `range` (same family, first `prefixLength` bits equal). */
export function isInNetwork(address: IpAddress, range: IpNetwork): boolean {
  if (address.family !== range.address.family) return false;
  const fullBytes = Math.floor(range.prefixLength / 8);
  for (let index = 0; index < fullBytes; index += 1) {
    if (address.bytes[index] !== range.address.bytes[index]) return false;
  }
  const remainingBits = range.prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((address.bytes[fullBytes] ?? 0) & mask) === ((range.address.bytes[fullBytes] ?? 0) & mask);
}

/** True when both addresses are the same family and bytes. */
export function isSameAddress(left: IpAddress, right: IpAddress): boolean {
  return left.family === right.family && left.bytes.every((byte, index) => byte === right.bytes[index]);
}

/** Canonical text for an address: dotted decimal, or eight lowercase hex groups (never a DNS name, never a zone). */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return Array.from(address.bytes).join('.');
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push((((address.bytes[index] ?? 0) << 8) | (address.bytes[index + 1] ?? 0)).toString(16));
  }
  return groups.join(':');
}

/** The IPv4 address held in bytes `offset`..`offset + 3` of an IPv6 address. */
export function ipv4At(address: IpAddress, offset: number): IpAddress {
  return { family: 4, bytes: address.bytes.slice(offset, offset + 4) };
}

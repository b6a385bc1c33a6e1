import { findAddressBlockReason, isCloudMetadataAddress } from './address-policy.js';
import type { AllowList } from './allow-list.js';
import { OutboundNetworkError, OutboundRequestBlocked, findSystemCode } from './http-client.errors.js';
import { type IpAddress, formatIpAddress, parseIpAddress } from './ip-address.js';
import type { Resolver } from './resolver.js';
import { type OutboundTarget, isLocalhostName } from './target-url.js';

/** What decides whether a destination may be contacted. */
export interface DestinationPolicy {
  allowList: AllowList;
  resolver: Resolver;
}

/** A checked target and the one address the connection must use. */
export interface PinnedDestination {
  target: OutboundTarget;
  /** Canonical IP text (never a name), so the socket layer cannot resolve anything again. */
  address: string;
  family: 4 | 6;
}

function checkAddress(target: OutboundTarget, address: IpAddress, policy: DestinationPolicy, hostnameListed: boolean): void {
  const reason = findAddressBlockReason(address);
  if (reason === null || policy.allowList.allowsAddress(address, target.port)) return;
  // A listed name opens whatever it resolves to, except metadata endpoints, which only an exact address entry opens.
  if (hostnameListed && !isCloudMetadataAddress(address)) return;
  throw new OutboundRequestBlocked({ reason, host: target.url.host });
}

async function lookupAll(target: OutboundTarget, resolver: Resolver, signal: AbortSignal | undefined) {
  try {
    return await abortable(resolver(target.hostname), signal);
  } catch (error) {
    if (signal?.aborted === true && error === signal.reason) throw error;
    const systemCode = findSystemCode(error);
    throw new OutboundNetworkError(target.url.host, {
      message: systemCode === 'ENOTFOUND' ? 'the name does not resolve' : undefined,
      systemCode,
      cause: error,
    });
  }
}

/**
 * Resolves a target once and checks every answer, returning the address to pin the connection to.
 *
 * Steps: an IP literal is checked as is; a localhost name is refused unless listed; otherwise the resolver is asked
 * once, an empty or malformed answer is refused, and ANY forbidden answer refuses the whole target (a name that
 * resolves to one public and one private address is refused); the first answer becomes the pinned address.
 */
export async function resolveDestination(
  target: OutboundTarget,
  policy: DestinationPolicy,
  signal?: AbortSignal,
): Promise<PinnedDestination> {
  if (target.literal !== null) {
    checkAddress(target, target.literal, policy, false);
    return { target, address: formatIpAddress(target.literal), family: target.literal.family };
  }
  const hostnameListed = policy.allowList.allowsHostname(target.hostname, target.port);
  if (isLocalhostName(target.hostname) && !hostnameListed) {
    throw new OutboundRequestBlocked({ reason: 'localhost-name', host: target.url.host });
  }
  const answers = await lookupAll(target, policy.resolver, signal);
  const addresses = answers.map((answer) => parseIpAddress(answer.address));
  const first = addresses[0];
  if (first === undefined) throw new OutboundRequestBlocked({ reason: 'no-address', host: target.url.host });
  for (const address of addresses) {
    if (address === null) throw new OutboundRequestBlocked({ reason: 'invalid-address', host: target.url.host });
    checkAddress(target, address, policy, hostnameListed);
  }
  if (first === null) throw new OutboundRequestBlocked({ reason: 'invalid-address', host: target.url.host });
  return { target, address: formatIpAddress(first), family: first.family };
}

/** Settles with `promise`, or rejects with the signal's reason as soon as the signal aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

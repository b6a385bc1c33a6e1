/** The guarded outbound HTTP client: every request the product sends to a URL goes through it. */
export {
  type HttpClient,
  type HttpClientOptions,
  type HttpResponseData,
  type RequestLimits,
  createHttpClient,
} from './http-client.js';
export {
  type OutboundBlockReason,
  OutboundNetworkError,
  OutboundRequestBlocked,
  OutboundRequestError,
  OutboundRequestTimeout,
  OutboundResponseTooLarge,
  OutboundTooManyRedirects,
} from './http-client.errors.js';
export { type AddressBlockReason, findAddressBlockReason, isForbiddenAddress } from './address-policy.js';
export { type ResolvedAddress, type Resolver, systemResolver } from './resolver.js';

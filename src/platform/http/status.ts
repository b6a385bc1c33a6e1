import type { ErrorCategory } from '../errors/app-error.js';

/** The one mapping from an error category to its HTTP status. */
export const statusByCategory: Readonly<Record<ErrorCategory, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
};

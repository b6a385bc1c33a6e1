/** What kind of failure an AppError is; platform/http maps each category to one HTTP status. */
export type ErrorCategory =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'upstream'
  | 'unavailable'
  | 'internal';

/** JSON-safe extra facts about an error, sent to the client as `details`. */
export type ErrorDetails = Record<string, unknown>;

/** What an AppError is made of. */
export interface AppErrorOptions {
  /** UPPER_SNAKE code, prefixed by the module that raises it (e.g. AGENT_NOT_FOUND). */
  code: string;
  category: ErrorCategory;
  message: string;
  details?: ErrorDetails;
  /** True when the same call may succeed later (transient provider or queue failures). */
  retryable?: boolean;
  cause?: unknown;
}

/** The one error type services raise; it knows nothing about HTTP. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly category: ErrorCategory;
  readonly details: ErrorDetails | undefined;
  readonly retryable: boolean;

  constructor(options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.code = options.code;
    this.category = options.category;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** True when `value` is an AppError (also across module copies, by shape). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** A field that failed validation, as listed in VALIDATION_ERROR details. */
export interface FieldError {
  /** Where the value came from and its path, e.g. "body.email" or "params.agent_id". */
  field: string;
  message: string;
}

/** 422 VALIDATION_ERROR listing the failing fields. */
export function validationError(fields: FieldError[], message = 'Request validation failed'): AppError {
  return new AppError({ code: 'VALIDATION_ERROR', category: 'validation', message, details: { fields } });
}

/** 404 for a resource that does not exist or that the caller may not see (ids leak nothing). */
export function notFound(code: string, resource: string, id: string): AppError {
  return new AppError({ code, category: 'not_found', message: `${resource} ${id} not found`, details: { id } });
}

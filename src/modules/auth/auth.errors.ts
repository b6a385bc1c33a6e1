import { AppError } from '../../platform/errors/app-error.js';

/** 409: the e-mail already belongs to an account. */
export const emailTaken = () =>
  new AppError({ code: 'AUTH_EMAIL_TAKEN', category: 'conflict', message: 'An account with this e-mail already exists' });

/** 401: wrong e-mail or password; which one is not said. */
export const invalidCredentials = () =>
  new AppError({ code: 'AUTH_INVALID_CREDENTIALS', category: 'unauthorized', message: 'Incorrect e-mail or password' });

/** 403: the account exists but has been disabled by an administrator. */
export const accountDisabled = () =>
  new AppError({ code: 'AUTH_ACCOUNT_DISABLED', category: 'forbidden', message: 'This account is disabled' });

/** 401: the token is valid but its user no longer exists or was disabled. */
export const userGone = () =>
  new AppError({ code: 'AUTH_USER_NOT_FOUND', category: 'unauthorized', message: 'The user of this token no longer exists' });

/** 429: too many login attempts from one address. */
export const tooManyLogins = (retryAfterSeconds: number) =>
  new AppError({
    code: 'AUTH_RATE_LIMITED',
    category: 'rate_limited',
    message: `Too many login attempts; retry in ${retryAfterSeconds} s`,
    details: { retry_after: retryAfterSeconds },
  });

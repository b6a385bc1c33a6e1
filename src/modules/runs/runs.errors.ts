import { AppError, notFound } from '../../platform/errors/app-error.js';

/** 404: a run that does not exist or is someone else's. */
export const runNotFound = (id: string) => notFound('RUN_NOT_FOUND', 'Run', id);

/** 409: the run has finished; there is nothing left to cancel. */
export const runNotActive = (id: string, status: string) =>
  new AppError({
    code: 'RUN_NOT_ACTIVE',
    category: 'conflict',
    message: `Run ${id} has already finished (${status})`,
    details: { run_id: id, status },
  });

/** The data of the `error` event that closes a run that failed or was cancelled (the seed's chat shape). */
export const closingErrorEvent = (error: { code: string; message: string }) => ({
  type: 'error',
  error: error.code,
  message: error.message,
});

/** The reason a cancelled run's signal carries, and the code of its closing `error` event. */
export const runCancelled = (id: string) =>
  new AppError({ code: 'RUN_CANCELLED', category: 'conflict', message: `Run ${id} was cancelled` });

/** The failure a run gets when its process stops under it. */
export const runInterrupted = () =>
  new AppError({ code: 'RUN_INTERRUPTED', category: 'unavailable', message: 'interrupted: the server stopped while the run was going on' });

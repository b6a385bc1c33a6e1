import { AppError, notFound } from '../../platform/errors/app-error.js';

/** 404: a session that does not exist, is someone else's, or belongs to another kind of chat. */
export const sessionNotFound = (id: string) => notFound('SESSION_NOT_FOUND', 'Session', id);

/** 409: a turn is still running in this session. */
export const sessionBusy = (id: string) =>
  new AppError({
    code: 'SESSION_BUSY',
    category: 'conflict',
    message: `Session ${id} is still answering the previous message; wait for it to finish`,
    details: { session_id: id },
  });

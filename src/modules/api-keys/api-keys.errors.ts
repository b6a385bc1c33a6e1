import { notFound } from '../../platform/errors/app-error.js';

/** 404: an API key that does not exist or is someone else's. */
export const apiKeyNotFound = (id: string) => notFound('API_KEY_NOT_FOUND', 'API key', id);

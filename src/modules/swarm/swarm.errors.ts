import { validationError } from '../../platform/errors/app-error.js';

/** 422: a swarm that cannot run as asked (too few agents, an entry agent outside it ...). */
export const swarmInvalid = (field: string, message: string) => validationError([{ field, message }], `Swarm is invalid: ${message}`);

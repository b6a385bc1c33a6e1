import { AppError, notFound } from '../../platform/errors/app-error.js';

/** 404: an orchestration template that does not exist or is someone else's. */
export const templateNotFound = (id: string) => notFound('ORCHESTRATION_TEMPLATE_NOT_FOUND', 'Orchestration template', id);

/** 409: the owner already has an orchestration template with this name. */
export const templateNameTaken = (name: string) =>
  new AppError({
    code: 'ORCHESTRATION_TEMPLATE_NAME_TAKEN',
    category: 'conflict',
    message: `You already have an orchestration template named "${name}"`,
    details: { name },
  });

import { AppError, notFound } from '../../platform/errors/app-error.js';

/** 404: a node template that does not exist or is someone else's. */
export const nodeTemplateNotFound = (id: string) => notFound('NODE_TEMPLATE_NOT_FOUND', 'Node template', id);

/** 409: the owner already has a node template with this name. */
export const nodeTemplateNameTaken = (name: string) =>
  new AppError({
    code: 'NODE_TEMPLATE_NAME_TAKEN',
    category: 'conflict',
    message: `You already have a node template named "${name}"`,
    details: { name },
  });

import { AppError, notFound } from '../../platform/errors/app-error.js';

/** 404: a workflow that does not exist or is someone else's. */
export const workflowNotFound = (id: string) => notFound('WORKFLOW_NOT_FOUND', 'Workflow', id);

/** 404: a version the workflow never had. */
export const workflowVersionNotFound = (id: string, version: number) =>
  new AppError({
    code: 'WORKFLOW_VERSION_NOT_FOUND',
    category: 'not_found',
    message: `Workflow ${id} has no version ${version}`,
    details: { id, version },
  });

/** 409: the owner already has a workflow with this name. */
export const workflowNameTaken = (name: string) =>
  new AppError({
    code: 'WORKFLOW_NAME_TAKEN',
    category: 'conflict',
    message: `You already have a workflow named "${name}"`,
    details: { name },
  });

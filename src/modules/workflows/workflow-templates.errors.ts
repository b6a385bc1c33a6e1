import { notFound } from '../../platform/errors/app-error.js';

/** 404: no built-in workflow template has this id. */
export const workflowTemplateNotFound = (id: string) => notFound('WORKFLOW_TEMPLATE_NOT_FOUND', 'Workflow template', id);

import { AppError } from '../../platform/errors/app-error.js';

export { modelConfigNotFound } from '../../platform/llm/llm-errors.js';

/** 422: a field combination the provider cannot work with. */
export const invalidModelConfig = (field: string, message: string) =>
  new AppError({
    code: 'VALIDATION_ERROR',
    category: 'validation',
    message,
    details: { fields: [{ field: `body.${field}`, message }] },
  });

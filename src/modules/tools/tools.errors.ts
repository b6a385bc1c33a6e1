import { AppError, notFound, validationError, type FieldError } from '../../platform/errors/app-error.js';

/** 404: no built-in tool of that name and no tool of the caller's with that id or name. */
export const toolNotFound = (id: string) => notFound('TOOL_NOT_FOUND', 'Tool', id);

/** 409: the name is taken by a built-in tool or another of the caller's tools. */
export const toolNameTaken = (name: string) =>
  new AppError({
    code: 'TOOL_NAME_TAKEN',
    category: 'conflict',
    message: `A tool named "${name}" already exists`,
    details: { name },
  });

/** 403: built-in tools are part of the platform and cannot be changed or deleted. */
export const builtinReadOnly = (name: string) =>
  new AppError({
    code: 'TOOL_BUILTIN_READ_ONLY',
    category: 'forbidden',
    message: `"${name}" is a built-in tool; it cannot be changed or deleted`,
    details: { name },
  });

/** 409: the tool is switched off. */
export const toolDisabled = (name: string) =>
  new AppError({ code: 'TOOL_DISABLED', category: 'conflict', message: `Tool "${name}" is disabled`, details: { name } });

/** 422: arguments that do not match the tool's input schema, each failing field under `body.arguments`. */
export const argumentsMismatch = (tool: string, issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>) =>
  validationError(
    issues.map((issue) => ({ field: ['body', 'arguments', ...issue.path.map(String)].join('.'), message: issue.message })),
    `Arguments do not match the input schema of "${tool}"`,
  );

/** 422: a tool definition that cannot work (bad schema, bad URL template, wrong config for its type). */
export const invalidTool = (fields: FieldError[]) => validationError(fields, 'Tool definition is not valid');

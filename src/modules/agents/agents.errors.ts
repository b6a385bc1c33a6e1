import { AppError, notFound, type FieldError } from '../../platform/errors/app-error.js';

/** 404: an agent that does not exist or is someone else's. */
export const agentNotFound = (id: string) => notFound('AGENT_NOT_FOUND', 'Agent', id);

/** 404: a version the agent never had. */
export const agentVersionNotFound = (id: string, version: number) =>
  new AppError({
    code: 'AGENT_VERSION_NOT_FOUND',
    category: 'not_found',
    message: `Agent ${id} has no version ${version}`,
    details: { id, version },
  });

/** 422 with the fields of the definition that break a rule the schema cannot express. */
export const invalidAgent = (fields: FieldError[]) =>
  new AppError({ code: 'VALIDATION_ERROR', category: 'validation', message: 'Agent definition is invalid', details: { fields } });

/** 404: a knowledge base named in the agent that does not exist or is someone else's. */
export const knowledgeBasesNotFound = (ids: string[]) =>
  new AppError({
    code: 'KNOWLEDGE_BASE_NOT_FOUND',
    category: 'not_found',
    message: `Knowledge base not found: ${ids.join(', ')}`,
    details: { ids },
  });

/** 409: a stopped agent takes no chats until it is deployed again. */
export const agentStopped = (id: string) =>
  new AppError({
    code: 'AGENT_STOPPED',
    category: 'conflict',
    message: `Agent ${id} is stopped; deploy it to chat with it again`,
    details: { id },
  });

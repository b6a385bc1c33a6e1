import { AppError } from '../../platform/errors/app-error.js';

/** 401: the call carries neither the workflow's webhook secret nor a valid signature made with it. */
export const webhookUnauthorized = (reason: string) =>
  new AppError({
    code: 'WEBHOOK_UNAUTHORIZED',
    category: 'unauthorized',
    message: `Webhook call refused: ${reason}. Send the workflow's secret in X-Webhook-Secret, or sign the raw body with it (X-Webhook-Signature: sha256=<hex HMAC-SHA256>).`,
  });

/** 422: a webhook body that is not a JSON object (it becomes the start node's input). */
export const webhookBodyInvalid = () =>
  new AppError({
    code: 'WEBHOOK_BODY_INVALID',
    category: 'validation',
    message: 'A webhook body must be a JSON object (or empty); it becomes the input of the start node',
  });

/** 415: webhook bodies are JSON. */
export const webhookMediaType = (contentType: string) =>
  new AppError({
    code: 'WEBHOOK_MEDIA_TYPE',
    category: 'unsupported_media_type',
    message: `A webhook body must be application/json, not ${contentType}`,
  });

import { z } from 'zod';

/** The body of every 4xx and 5xx answer. */
export const errorResponseSchema = z
  .object({
    error: z.string().describe('Machine-readable UPPER_SNAKE code, e.g. AGENT_NOT_FOUND'),
    message: z.string().describe('Human-readable explanation'),
    details: z.record(z.string(), z.unknown()).optional().describe('Extra facts, e.g. the failing fields'),
  })
  .describe('Error');

/** A UUID path parameter; anything else is a 422 before the handler runs. */
export const uuidSchema = z.uuid().describe('UUID (36 characters)');

/** `page` and `page_size` query parameters shared by every list endpoint. */
export const paginationQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1).describe('Page number, from 1'),
  page_size: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page (1-100)'),
});

/** The list response shape: `{items, total, page, page_size}`. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    page_size: z.number().int().min(1),
  });
}

/** Error responses a route may answer, for its OpenAPI entry. */
export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503>) {
  return Object.fromEntries(statuses.map((status) => [status, errorResponseSchema])) as Record<
    number,
    typeof errorResponseSchema
  >;
}

import { z } from 'zod';

/** A text part of a message's content; images and audio are not something an agent turn takes. */
const textPartSchema = z.object({ type: z.literal('text'), text: z.string() }).loose();

/** One message of the conversation; fields the face does not use (name, tool_calls …) are accepted and ignored. */
const messageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: z.union([z.string(), z.array(textPartSchema)]).nullable().optional(),
  })
  .loose();

/**
 * POST /v1/chat/completions body. Sampling fields (temperature, max_tokens …) are accepted and
 * ignored: the agent's own model settings apply.
 */
export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1).max(200).describe('agent/<agent_id>, as GET /v1/models lists it'),
    messages: z
      .array(messageSchema)
      .min(1)
      .max(1000)
      .describe('The last one must be a user message (the turn); system and developer messages are added to the agent instructions'),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().nullable().optional() }).loose().nullable().optional(),
    n: z.literal(1).nullable().optional().describe('One choice only'),
    metadata: z
      .object({ session_id: z.uuid().optional().describe('Continue this stored session of the agent (the x-session-id of an earlier answer)') })
      .catchall(z.string().max(512))
      .nullable()
      .optional(),
    user: z.string().max(256).optional(),
  })
  .loose();

/** Token usage in OpenAI's names. */
export const completionUsageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

/** The non-streamed answer: a `chat.completion` object. */
export const chatCompletionSchema = z
  .object({
    id: z.string().describe('chatcmpl-<run_id>'),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
        logprobs: z.null(),
        finish_reason: z.enum(['stop', 'length', 'content_filter']),
      }),
    ),
    usage: completionUsageSchema,
  })
  .describe('ChatCompletion');

/** A model as GET /v1/models lists it: one published agent. */
export const modelSchema = z.object({
  id: z.string().describe('agent/<agent_id>'),
  object: z.literal('model'),
  created: z.number().int().describe('When the agent was created (Unix seconds)'),
  owned_by: z.string(),
});

/** GET /v1/models answer. */
export const modelListSchema = z.object({ object: z.literal('list'), data: z.array(modelSchema) });

/** The body of every error answer of /v1/*, in OpenAI's shape. */
export const openAiErrorSchema = z
  .object({
    error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
  })
  .describe('OpenAIError');

/** OpenAI-shaped error responses for a route's OpenAPI entry. */
export function openAiErrors(...statuses: Array<400 | 401 | 404 | 409 | 429 | 502 | 503>) {
  return Object.fromEntries(statuses.map((status) => [status, openAiErrorSchema])) as Record<number, typeof openAiErrorSchema>;
}

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;
export type ChatCompletion = z.output<typeof chatCompletionSchema>;
export type ModelObject = z.output<typeof modelSchema>;

/**
 * The request log's entry type and how a received body is parsed into it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

const receivedBodySchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(z.looseObject({ role: z.string() })).optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().nullish(),
  tools: z.array(z.unknown()).nullish(),
  input: z.unknown().optional(),
  dimensions: z.number().nullish(),
});

/** The JSON body of a received request, with the fields tests usually inspect typed. */
export type ReceivedBody = z.infer<typeof receivedBodySchema>;

/** One entry of the server's request log. */
export interface RecordedRequest {
  /** Position in the log, starting at 0. */
  index: number;
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none or it was not a JSON object. */
  body: ReceivedBody | undefined;
  rawBody: string;
  /** `Date.now()` when the body had been fully received. */
  receivedAt: number;
  /** True when the client closed the connection before the reply was complete. */
  aborted: boolean;
  /** True once the reply was written completely. */
  finished: boolean;
}

/** Parses a JSON request body; anything that is not a plausible OpenAI request body yields undefined. */
export function parseBody(rawBody: string): ReceivedBody | undefined {
  if (rawBody.trim() === '') return undefined;
  try {
    const parsed = receivedBodySchema.safeParse(JSON.parse(rawBody));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

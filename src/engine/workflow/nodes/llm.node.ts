import { z } from 'zod';
import { InputSchemaError, inputSchemaFromJson } from '../../tools/custom/input-schema.js';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';

/** The longest resolved prompt, query or message a model node accepts, in characters. */
export const MAX_MODEL_TEXT_LENGTH = 1_000_000;

/** The `model_config_id` field every model-backed node shares. */
export const modelConfigIdField = z
  .uuid()
  .optional()
  .describe('The model configuration to call; absent: the default model');

/** True for a JSON object (not an array, not null). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The JSON object of a structured answer: the model's parsed object when it gave one, else its
 * text parsed as JSON (a ```json fence allowed); undefined when neither is a JSON object.
 */
export function structuredAnswer(answer: { text: string; object?: unknown }): Record<string, unknown> | undefined {
  if (isPlainObject(answer.object)) return answer.object;
  const text = answer.text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The validator of an `output_schema`, or the reason it cannot be used. */
function outputValidator(schema: Record<string, unknown>): z.ZodType<Record<string, unknown>> | string {
  try {
    return inputSchemaFromJson(schema);
  } catch (error) {
    if (error instanceof InputSchemaError) return error.message.replace(/^input_schema/, 'output_schema');
    throw error;
  }
}

const llmConfigSchema = z
  .object({
    model_config_id: modelConfigIdField,
    system: z.string().max(100_000).optional().describe('System prompt (template, resolved before the call)'),
    prompt: z.string().min(1).max(MAX_MODEL_TEXT_LENGTH).describe('User prompt (template, resolved before the call)'),
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature; absent: the model default'),
    output_schema: z
      .record(z.string(), z.unknown())
      .superRefine((schema, context) => {
        const validator = outputValidator(schema);
        if (typeof validator === 'string') context.addIssue({ code: 'custom', message: validator });
      })
      .optional()
      .describe('A JSON Schema ("type": "object") for structured output; the answer is validated against it'),
    stream: z.boolean().default(false).describe('Emit "token" progress events {text} as the answer is generated'),
  })
  .strict();

/** The config of an `llm` node. */
export type LlmConfig = z.infer<typeof llmConfigSchema>;

/**
 * `llm`: one model call. Output `{ text, model }`, plus `object` (the validated JSON object) when
 * the config has an `output_schema`; an answer that does not match it fails with LLM_OUTPUT_INVALID.
 */
export const llmNode: NodeType<LlmConfig> = {
  type: 'llm',
  description: 'Calls a chat model with a prompt; optionally streams tokens or returns a JSON object matching a schema',
  configSchema: llmConfigSchema,
  async run({ config, services, signal, emit }) {
    const answer = await services.generate({
      modelConfigId: config.model_config_id,
      system: config.system,
      prompt: config.prompt,
      schema: config.output_schema,
      temperature: config.temperature,
      signal,
      onToken: config.stream ? (text) => emit('token', { text }) : undefined,
    });
    const output: Record<string, unknown> = { text: answer.text, model: answer.model };
    if (config.output_schema) {
      const validator = outputValidator(config.output_schema) as z.ZodType<Record<string, unknown>>;
      const parsed = validator.safeParse(structuredAnswer(answer));
      if (!parsed.success) {
        const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'answer'}: ${issue.message}`).join('; ');
        throw new NodeError(`the model's answer does not match output_schema: ${reasons}`, 'LLM_OUTPUT_INVALID');
      }
      output.object = parsed.data;
    }
    return { kind: 'done', output, usage: answer.usage };
  },
};

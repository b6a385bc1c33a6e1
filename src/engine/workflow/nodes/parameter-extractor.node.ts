import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';
import { MAX_MODEL_TEXT_LENGTH, modelConfigIdField, structuredAnswer } from './llm.node.js';

/** The output key listing the parameters the model did not find. */
export const MISSING_KEY = '__missing';

const parameterSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'letters, digits and _, starting with a letter, up to 64')
      .describe('The output key of the parameter'),
    type: z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object']).describe('The JSON type of the value'),
    description: z.string().max(2000).optional().describe('What the value is, for the model'),
    required: z.boolean().default(false).describe('Fail with EXTRACTION_INCOMPLETE when the input does not state it'),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .max(100)
      .optional()
      .describe('The allowed values (string, number and integer parameters only)'),
  })
  .strict()
  .superRefine((parameter, context) => {
    if (!parameter.enum) return;
    const fits = (value: string | number) =>
      parameter.type === 'string' ? typeof value === 'string' : parameter.type === 'integer' ? Number.isInteger(value) : typeof value === 'number';
    if (!['string', 'number', 'integer'].includes(parameter.type)) {
      context.addIssue({ code: 'custom', path: ['enum'], message: `a ${parameter.type} parameter cannot have an enum` });
    } else if (!parameter.enum.every(fits)) {
      context.addIssue({ code: 'custom', path: ['enum'], message: `every enum value must be a ${parameter.type}` });
    }
  });

const parameterExtractorConfigSchema = z
  .object({
    model_config_id: modelConfigIdField,
    query: z.string().min(1).max(MAX_MODEL_TEXT_LENGTH).describe('The text to extract from (template, resolved)'),
    parameters: z
      .array(parameterSchema)
      .min(1)
      .max(50)
      .refine((parameters) => new Set(parameters.map((item) => item.name)).size === parameters.length, 'parameter names must be unique')
      .describe('The values to extract; each becomes an output key'),
    instructions: z.string().max(10_000).optional().describe('Extra guidance for the model'),
  })
  .strict();

/** The config of a `parameter_extractor` node. */
export type ParameterExtractorConfig = z.infer<typeof parameterExtractorConfigSchema>;
type Parameter = ParameterExtractorConfig['parameters'][number];

/**
 * The JSON Schema the model answers with: every parameter is a key that must be present and may
 * be null (not found), which strict structured-output providers accept and which lets the model
 * say "not stated" instead of guessing.
 */
export function extractionSchema(parameters: Parameter[]): Record<string, unknown> {
  const properties = Object.fromEntries(
    parameters.map((parameter) => [
      parameter.name,
      {
        type: [parameter.type, 'null'],
        ...(parameter.description ? { description: parameter.description } : {}),
        ...(parameter.enum ? { enum: [...parameter.enum, null] } : {}),
      },
    ]),
  );
  return { type: 'object', properties, required: parameters.map((parameter) => parameter.name), additionalProperties: false };
}

/** The validator of one answered value: its type (or enum), null, or absent. */
function valueValidator(parameter: Parameter): z.ZodType {
  if (parameter.enum) return z.literal(parameter.enum).nullable().optional();
  const byType = {
    string: z.string(),
    number: z.number(),
    integer: z.number().int(),
    boolean: z.boolean(),
    array: z.array(z.unknown()),
    object: z.record(z.string(), z.unknown()),
  } satisfies Record<Parameter['type'], z.ZodType>;
  return byType[parameter.type].nullable().optional();
}

/** The system prompt: the task, the parameters and the extra instructions. */
function systemPrompt(config: ParameterExtractorConfig): string {
  const parameters = config.parameters.map((parameter) => {
    const traits = [parameter.type, parameter.required ? 'required' : 'optional'];
    if (parameter.enum) traits.push(`one of: ${parameter.enum.map((value) => JSON.stringify(value)).join(', ')}`);
    return `- ${parameter.name} (${traits.join('; ')})${parameter.description ? `: ${parameter.description}` : ''}`;
  });
  return [
    "Extract the parameters below from the user's input. Answer with a JSON object with one key per parameter.",
    'Use null for a parameter the input does not state; never guess a value.',
    '',
    'Parameters:',
    ...parameters,
    ...(config.instructions ? ['', `Instructions: ${config.instructions}`] : []),
  ].join('\n');
}

/**
 * `parameter_extractor`: asks a model for the configured parameters as a JSON object and validates
 * it. Output: one key per parameter (null when not found) and `__missing` (the names not found).
 * A value of the wrong type fails with EXTRACTION_INVALID_ANSWER; a required parameter not found
 * fails with EXTRACTION_INCOMPLETE.
 */
export const parameterExtractorNode: NodeType<ParameterExtractorConfig> = {
  type: 'parameter_extractor',
  description: 'Asks a model to pull typed parameters out of text, validated against their types',
  configSchema: parameterExtractorConfigSchema,
  async run({ config, services, signal }) {
    const answer = await services.generate({
      modelConfigId: config.model_config_id,
      system: systemPrompt(config),
      prompt: config.query,
      schema: extractionSchema(config.parameters),
      signal,
    });
    const validator = z.object(Object.fromEntries(config.parameters.map((parameter) => [parameter.name, valueValidator(parameter)])));
    const parsed = validator.safeParse(structuredAnswer(answer));
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'answer'}: ${issue.message}`).join('; ');
      throw new NodeError(`the model's answer does not fit the parameters: ${reasons}`, 'EXTRACTION_INVALID_ANSWER');
    }
    const values = parsed.data as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const parameter of config.parameters) {
      output[parameter.name] = values[parameter.name] ?? null;
      if (output[parameter.name] === null) missing.push(parameter.name);
    }
    const missingRequired = config.parameters.filter((parameter) => parameter.required && missing.includes(parameter.name));
    if (missingRequired.length > 0) {
      throw new NodeError(
        `required parameters not found in the input: ${missingRequired.map((parameter) => parameter.name).join(', ')}`,
        'EXTRACTION_INCOMPLETE',
      );
    }
    return { kind: 'done', output: { ...output, [MISSING_KEY]: missing }, usage: answer.usage };
  },
};

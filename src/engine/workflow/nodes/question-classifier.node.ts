import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';
import { MAX_MODEL_TEXT_LENGTH, modelConfigIdField, structuredAnswer } from './llm.node.js';

const classSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -, up to 64, not starting with -')
      .refine((id) => id !== 'error', '"error" is the handle of the error branch')
      .describe('The branch handle (source_handle) of this class'),
    name: z.string().min(1).max(200).describe('What the model sees as the class name'),
    description: z.string().max(2000).optional().describe('When to choose this class'),
  })
  .strict();

const questionClassifierConfigSchema = z
  .object({
    model_config_id: modelConfigIdField,
    query: z.string().min(1).max(MAX_MODEL_TEXT_LENGTH).describe('The text to classify (template, resolved)'),
    classes: z
      .array(classSchema)
      .min(2)
      .max(20)
      .refine((classes) => new Set(classes.map((item) => item.id)).size === classes.length, 'class ids must be unique')
      .describe('The classes to choose from; each id is a branch'),
    instructions: z.string().max(10_000).optional().describe('Extra guidance for the model'),
  })
  .strict();

/** The config of a `question_classifier` node. */
export type QuestionClassifierConfig = z.infer<typeof questionClassifierConfigSchema>;

/** The structured answer the model is asked for: the class id (one of the enum) and why. */
function answerSchema(config: QuestionClassifierConfig): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      class_id: { type: 'string', enum: config.classes.map((item) => item.id), description: 'The id of the class that fits best' },
      reason: { type: 'string', description: 'One short sentence on why' },
    },
    required: ['class_id', 'reason'],
    additionalProperties: false,
  };
}

/** The system prompt: the task, the classes and the extra instructions. */
function systemPrompt(config: QuestionClassifierConfig): string {
  const classes = config.classes.map((item) =>
    [`- id: ${item.id}`, `  name: ${item.name}`, ...(item.description ? [`  description: ${item.description}`] : [])].join('\n'),
  );
  return [
    "Classify the user's input into exactly one of the classes below.",
    'Answer with the id of the class that fits best and a short reason.',
    '',
    'Classes:',
    ...classes,
    ...(config.instructions ? ['', `Instructions: ${config.instructions}`] : []),
  ].join('\n');
}

const modelAnswerSchema = z.object({ class_id: z.string(), reason: z.string().optional() });

/**
 * `question_classifier`: asks a model which class the query belongs to and takes that class's
 * branch. Output `{ class_id, class_name, reason }` (reason "" when the model gave none); an
 * answer that names no configured class fails with CLASSIFIER_INVALID_ANSWER.
 */
export const questionClassifierNode: NodeType<QuestionClassifierConfig> = {
  type: 'question_classifier',
  description: 'Asks a model to sort the input into one of several classes and takes that class branch',
  configSchema: questionClassifierConfigSchema,
  branches: (config) => config.classes.map((item) => item.id),
  async run({ config, services, signal }) {
    const answer = await services.generate({
      modelConfigId: config.model_config_id,
      system: systemPrompt(config),
      prompt: config.query,
      schema: answerSchema(config),
      signal,
    });
    const parsed = modelAnswerSchema.safeParse(structuredAnswer(answer));
    const chosen = parsed.success ? config.classes.find((item) => item.id === parsed.data.class_id) : undefined;
    if (!parsed.success || !chosen) {
      const given = parsed.success ? `"${parsed.data.class_id}"` : JSON.stringify(answer.text.slice(0, 200));
      throw new NodeError(`the model answered ${given}, which is not one of the class ids`, 'CLASSIFIER_INVALID_ANSWER');
    }
    return {
      kind: 'done',
      output: { class_id: chosen.id, class_name: chosen.name, reason: parsed.data.reason ?? '' },
      branch: chosen.id,
      usage: answer.usage,
    };
  },
};

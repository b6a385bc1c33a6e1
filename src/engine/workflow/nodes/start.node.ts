import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';
import { lookupPath } from '../variables.js';

const inputTypes = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;

const inputFieldSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'letters, digits and _, not starting with a digit'),
    type: z.enum(inputTypes).default('string'),
    required: z.boolean().default(false),
    default: z.unknown().optional(),
    description: z.string().max(500).optional(),
  })
  .strict();

const configSchema = z
  .object({ inputs: z.array(inputFieldSchema).max(100).default([]).describe('The input fields an execution takes') })
  .strict();

type InputField = z.infer<typeof inputFieldSchema>;

function matchesType(value: unknown, type: InputField['type']): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

/**
 * The execution input checked against the start node's declared fields: the problems (empty when
 * it fits) and the input with defaults filled in. Every given value passes on, undeclared ones too.
 */
export function checkStartInput(config: unknown, given: Record<string, unknown>): { problems: string[]; input: Record<string, unknown> } {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) return { problems: ['the start node config is invalid'], input: given };
  const input: Record<string, unknown> = { ...given };
  const problems: string[] = [];
  for (const field of parsed.data.inputs) {
    const value = given[field.name];
    if (value === undefined || value === null) {
      if (field.default !== undefined) input[field.name] = field.default;
      else if (field.required) problems.push(`${field.name} is required`);
      continue;
    }
    if (!matchesType(value, field.type)) problems.push(`${field.name} must be of type ${field.type}`);
  }
  return { problems, input };
}

/** The entry of a workflow: checks the execution's input (see {@link checkStartInput}). */
export const startNode: NodeType<z.infer<typeof configSchema>> = {
  type: 'start',
  description: 'Entry point: declares and checks the input fields of an execution',
  configSchema,
  pure: true,
  async run({ config, scope }) {
    const { problems, input } = checkStartInput(config, (lookupPath(scope, 'start.input') ?? {}) as Record<string, unknown>);
    if (problems.length > 0) throw new NodeError(`invalid input: ${problems.join('; ')}`, 'WORKFLOW_INPUT_INVALID');
    return { kind: 'done', output: input };
  },
};

import { z } from 'zod';

/** The largest input schema accepted, as JSON text. */
export const MAX_INPUT_SCHEMA_BYTES = 32_768;
/** The deepest nesting of objects and arrays accepted in an input schema. */
export const MAX_INPUT_SCHEMA_DEPTH = 16;

/** An input schema that cannot be used, with the reason. */
export class InputSchemaError extends Error {
  override readonly name = 'InputSchemaError';
}

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_INPUT_SCHEMA_DEPTH) return depth;
  if (Array.isArray(value)) return Math.max(depth, ...value.map((item) => depthOf(item, depth + 1)));
  if (value && typeof value === 'object') return Math.max(depth, ...Object.values(value).map((item) => depthOf(item, depth + 1)));
  return depth;
}

/** True when the schema names a `$ref` outside itself, which would mean fetching a document. */
function hasRemoteRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRemoteRef);
  if (!value || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) =>
    key === '$ref' ? typeof item !== 'string' || !item.startsWith('#') : hasRemoteRef(item),
  );
}

/**
 * Turns a user's JSON Schema into the validator of a tool's input.
 * Steps: bound its size and depth; require an object schema at the top (models send named
 * arguments); refuse remote `$ref`s; convert with zod, which rejects what it cannot express.
 */
export function inputSchemaFromJson(schema: unknown): z.ZodType<Record<string, unknown>> {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new InputSchemaError('input_schema must be a JSON object');
  if (JSON.stringify(schema).length > MAX_INPUT_SCHEMA_BYTES) {
    throw new InputSchemaError(`input_schema is larger than ${MAX_INPUT_SCHEMA_BYTES} bytes`);
  }
  if (depthOf(schema) > MAX_INPUT_SCHEMA_DEPTH) throw new InputSchemaError(`input_schema nests deeper than ${MAX_INPUT_SCHEMA_DEPTH} levels`);
  if ((schema as { type?: unknown }).type !== 'object') throw new InputSchemaError('input_schema must have "type": "object"');
  if (hasRemoteRef(schema)) throw new InputSchemaError('input_schema may only use local "$ref"s (starting with #)');
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType<Record<string, unknown>>;
  } catch (error) {
    throw new InputSchemaError(`input_schema is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The schema of a tool that takes no input. */
export const emptyInputSchema = { type: 'object', properties: {}, additionalProperties: false } as const;

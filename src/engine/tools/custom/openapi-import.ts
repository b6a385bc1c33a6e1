/** One HTTP tool derived from an OpenAPI operation (auth is added by the caller). */
export interface ImportedOperation {
  operation: string;
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** An operation that could not become a tool, and why. */
export interface SkippedOperation {
  operation: string;
  reason: string;
}

/** A document that is not an OpenAPI 3 document this importer can read. */
export class OpenApiImportError extends Error {
  override readonly name = 'OpenApiImportError';
}

type Json = Record<string, unknown>;
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** How deep `$ref`s are followed; deeper (or circular) references become a plain object schema. */
const maxRefDepth = 8;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The node a local JSON pointer (`#/components/schemas/Pet`) names, or undefined. */
function pointer(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** A copy of `node` with local `$ref`s replaced by what they point to, cycles and depth bounded. */
function inline(document: Json, node: unknown, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(document, item, depth));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const target = depth < maxRefDepth ? pointer(document, node.$ref) : undefined;
    return target === undefined ? { type: 'object' } : inline(document, target, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(document, value, depth)]));
}

/** `listPetsByStatus` or `GET /pets/{id}` as a snake_case tool name. */
function snakeName(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The base URL: the override, else the first server (with its variables' defaults). */
function baseUrl(document: Json, override: string | undefined): string {
  if (override) return override.replace(/\/+$/, '');
  const server = Array.isArray(document.servers) && isObject(document.servers[0]) ? document.servers[0] : undefined;
  let url = typeof server?.url === 'string' ? server.url : '';
  for (const [name, variable] of Object.entries(isObject(server?.variables) ? server.variables : {})) {
    if (isObject(variable)) url = url.replaceAll(`{${name}}`, String(variable.default ?? ''));
  }
  if (!/^https?:\/\//.test(url)) {
    throw new OpenApiImportError('the document has no absolute http(s) server URL; give server_url');
  }
  return url.replace(/\/+$/, '');
}

function operationTool(options: { document: Json; path: string; method: (typeof methods)[number]; pathItem: Json; base: string; prefix: string }): ImportedOperation {
  const { document, path, method, pathItem, base, prefix } = options;
  const operation = pathItem[method] as Json;
  const label = `${method.toUpperCase()} ${path}`;
  const parameters = [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])]
    .map((parameter) => inline(document, parameter))
    .filter(isObject);
  const properties: Json = {};
  const required: string[] = [];
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const parameter of parameters) {
    const name = String(parameter.name ?? '');
    if (!/^[A-Za-z_][\w]*$/.test(name)) throw new OpenApiImportError(`parameter "${name}" cannot be a placeholder`);
    const schema = isObject(parameter.schema) ? parameter.schema : { type: 'string' };
    properties[name] = { ...schema, ...(typeof parameter.description === 'string' ? { description: parameter.description } : {}) };
    if (parameter.required === true || parameter.in === 'path') required.push(name);
    if (parameter.in === 'query') query[name] = `{{${name}}}`;
    if (parameter.in === 'header') headers[name] = `{{${name}}}`;
  }
  const requestBody = isObject(operation.requestBody) ? (inline(document, operation.requestBody) as Json) : undefined;
  const content = isObject(requestBody?.content) ? requestBody.content : {};
  const jsonBody = isObject(content['application/json']) ? content['application/json'] : undefined;
  if (jsonBody) {
    properties.body = { ...(isObject(jsonBody.schema) ? jsonBody.schema : { type: 'object' }), description: 'The JSON request body' };
    if (requestBody?.required === true) required.push('body');
  }
  const summary = [operation.summary, operation.description].find((text) => typeof text === 'string' && text.trim()) as string | undefined;
  return {
    operation: label,
    name: `${prefix}${snakeName(typeof operation.operationId === 'string' ? operation.operationId : `${method}_${path}`)}`.slice(0, 64),
    description: (summary ?? label).slice(0, 2000),
    inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
    method: method.toUpperCase() as ImportedOperation['method'],
    url: `${base}${path.replace(/\{([^}]+)\}/g, '{{$1}}')}`,
    query,
    headers,
    body: jsonBody ? '{{body}}' : {},
  };
}

/**
 * One HTTP tool per operation of an OpenAPI 3 document.
 * Steps: check the version; pick the base URL; for each path and method (GET, POST, PUT, PATCH,
 * DELETE), inline local `$ref`s and turn the path, query and header parameters and the JSON body
 * into the tool's input schema and request templates; skip (with the reason) what cannot be a tool.
 */
export function importOpenApi(
  document: unknown,
  options: { serverUrl?: string | undefined; prefix?: string | undefined; operations?: readonly string[] | undefined } = {},
): { tools: ImportedOperation[]; skipped: SkippedOperation[] } {
  if (!isObject(document) || typeof document.openapi !== 'string' || !document.openapi.startsWith('3.')) {
    throw new OpenApiImportError('not an OpenAPI 3 document (the "openapi" field must be 3.x)');
  }
  if (!isObject(document.paths)) throw new OpenApiImportError('the document has no "paths"');
  const base = baseUrl(document, options.serverUrl);
  const prefix = options.prefix ? `${options.prefix}_` : '';
  const tools: ImportedOperation[] = [];
  const skipped: SkippedOperation[] = [];
  for (const [path, pathItem] of Object.entries(document.paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of methods) {
      if (!isObject(pathItem[method])) continue;
      const operationId = (pathItem[method] as Json).operationId;
      if (options.operations && !options.operations.includes(String(operationId))) continue;
      try {
        tools.push(operationTool({ document, path, method, pathItem, base, prefix }));
      } catch (error) {
        if (!(error instanceof OpenApiImportError)) throw error;
        skipped.push({ operation: `${method.toUpperCase()} ${path}`, reason: error.message });
      }
    }
  }
  return { tools, skipped };
}

import { codeToolExecutor } from '../../engine/tools/custom/code-tool.js';
import { httpToolExecutor } from '../../engine/tools/custom/http-tool.js';
import { emptyInputSchema, inputSchemaFromJson, InputSchemaError } from '../../engine/tools/custom/input-schema.js';
import { placeholdersIn } from '../../engine/tools/custom/placeholders.js';
import { JsonPathError, parseJsonPath } from '../../engine/expressions/json-path.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import { maskSecret } from '../../platform/crypto/secret-box.js';
import { isAppError, type FieldError } from '../../platform/errors/app-error.js';
import { parse as parseYaml, YAMLError } from 'yaml';
import { importOpenApi, OpenApiImportError } from '../../engine/tools/custom/openapi-import.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { customView } from './tool-views.js';
import { publicAuth, secretOf, storedHttpConfig } from './custom-tools.js';
import { argumentsMismatch, builtinReadOnly, invalidTool, toolNameTaken, toolNotFound } from './tools.errors.js';
import type { CustomToolRecord, NewCustomTool } from './tools.repository.js';
import type {
  CodeToolConfigInput,
  CreateToolInput,
  HttpToolConfigInput,
  ImportOpenApiInput,
  ToolOutcome,
  ToolView,
  UpdateToolInput,
} from './tools.schemas.js';
import type { ToolsService, ToolsServiceDeps } from './tools.service.js';

/** The largest body template accepted, as JSON text. */
const maxBodyTemplateBytes = 65_536;

function checkInputSchema(schema: Record<string, unknown>, fields: FieldError[]): void {
  try {
    inputSchemaFromJson(schema);
  } catch (error) {
    if (!(error instanceof InputSchemaError)) throw error;
    fields.push({ field: 'body.input_schema', message: error.message });
  }
}

/** Problems of an HTTP config that its schema cannot see: the URL template, the JSONPath, the body size. */
function checkHttpConfig(config: HttpToolConfigInput, prefix: string, fields: FieldError[]): void {
  let url: URL | undefined;
  try {
    url = new URL(config.url.replace(/\{\{[^}]*\}\}/g, 'x'));
  } catch {
    fields.push({ field: `${prefix}.url`, message: 'not a valid URL once placeholders are filled' });
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
    fields.push({ field: `${prefix}.url`, message: 'only http and https URLs are allowed' });
  }
  if (url && placeholdersIn(config.url.split('/')[2] ?? '').length > 0) {
    fields.push({ field: `${prefix}.url`, message: 'the host cannot be a placeholder' });
  }
  if (config.response_path) {
    try {
      parseJsonPath(config.response_path);
    } catch (error) {
      if (error instanceof JsonPathError) fields.push({ field: `${prefix}.response_path`, message: error.message });
      else throw error;
    }
  }
  if (JSON.stringify(config.body ?? null).length > maxBodyTemplateBytes) {
    fields.push({ field: `${prefix}.body`, message: `the body template is larger than ${maxBodyTemplateBytes} bytes` });
  }
}

/** Creating, changing, deleting and trying out the caller's HTTP and code tools. */
export class CustomToolsService {
  constructor(private readonly deps: ToolsServiceDeps & { catalogue: ToolsService }) {}

  async create(actor: Actor, input: CreateToolInput): Promise<ToolView> {
    const fields: FieldError[] = [];
    checkInputSchema(input.input_schema, fields);
    if (input.type === 'http') {
      checkHttpConfig(input.http, 'body.http', fields);
      if (input.http.auth.type !== 'none' && !secretOf(input.http.auth)) {
        fields.push({ field: 'body.http.auth', message: `a ${input.http.auth.type} tool needs its credential` });
      }
    }
    if (fields.length > 0) throw invalidTool(fields);
    if (this.deps.registry.find(input.name)) throw toolNameTaken(input.name);
    const now = this.deps.clock.now();
    const secret = input.type === 'http' ? secretOf(input.http.auth) : undefined;
    const record = await this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      name: input.name,
      description: input.description,
      category: input.category,
      type: input.type,
      inputSchema: input.input_schema,
      config: input.type === 'http' ? { ...storedHttpConfig(input.http) } : { ...input.code },
      secretSealed: secret ? this.deps.secrets.seal(secret) : null,
      secretMasked: secret ? maskSecret(secret) : null,
      enabled: input.enabled,
      createdAt: now,
      updatedAt: now,
    });
    if (!record) throw toolNameTaken(input.name);
    return customView(record);
  }

  async update(actor: Actor, toolId: string, input: UpdateToolInput): Promise<ToolView> {
    if (this.deps.registry.find(toolId)) throw builtinReadOnly(toolId);
    const current = await this.deps.catalogue.requireCustom(actor, toolId);
    const fields: FieldError[] = [];
    if (input.input_schema) checkInputSchema(input.input_schema, fields);
    if (input.http && current.type !== 'http') fields.push({ field: 'body.http', message: `a ${current.type} tool has no HTTP config` });
    if (input.code && current.type !== 'code') fields.push({ field: 'body.code', message: `a ${current.type} tool has no code` });
    const change: Partial<NewCustomTool> = { updatedAt: this.deps.clock.now() };
    if (input.http && current.type === 'http') Object.assign(change, this.httpChange(current, input.http, fields));
    if (input.code && current.type === 'code') change.config = { ...(input.code satisfies CodeToolConfigInput) };
    if (fields.length > 0) throw invalidTool(fields);
    if (input.name && input.name !== current.name && this.deps.registry.find(input.name)) throw toolNameTaken(input.name);
    for (const key of ['name', 'description', 'category', 'enabled'] as const) {
      if (input[key] !== undefined) Object.assign(change, { [key]: input[key] });
    }
    if (input.input_schema) change.inputSchema = input.input_schema;
    const updated = await this.deps.repository.update(actor.userId, current.id, change);
    if (updated === 'name_taken') throw toolNameTaken(input.name!);
    if (!updated) throw toolNotFound(toolId);
    return customView(updated);
  }

  async delete(actor: Actor, toolId: string): Promise<void> {
    if (this.deps.registry.find(toolId)) throw builtinReadOnly(toolId);
    const current = await this.deps.catalogue.requireCustom(actor, toolId);
    await this.deps.repository.delete(actor.userId, current.id);
  }

  /** One HTTP tool per operation of an OpenAPI 3 document; what cannot become a tool is listed with the reason. */
  async importOpenApi(actor: Actor, input: ImportOpenApiInput) {
    let imported: ReturnType<typeof importOpenApi>;
    try {
      const document = typeof input.document === 'string' ? (parseYaml(input.document, { maxAliasCount: 100 }) as unknown) : input.document;
      imported = importOpenApi(document, { serverUrl: input.server_url, prefix: input.prefix, operations: input.operations });
    } catch (error) {
      if (error instanceof OpenApiImportError || error instanceof YAMLError) {
        throw invalidTool([{ field: 'body.document', message: error.message }]);
      }
      throw error;
    }
    const tools: ToolView[] = [];
    const skipped = [...imported.skipped];
    for (const operation of imported.tools) {
      const { method, url, headers, query, body } = operation;
      const http = { method, url, headers, query, body, auth: input.auth, timeout_ms: input.timeout_ms, response_path: null };
      const definition = { name: operation.name, description: operation.description, category: input.category, input_schema: operation.inputSchema };
      try {
        tools.push(await this.create(actor, { ...definition, type: 'http', enabled: true, http }));
      } catch (error) {
        if (!isAppError(error)) throw error;
        const fields = (error.details?.fields as FieldError[] | undefined)?.map((field) => `${field.field}: ${field.message}`);
        skipped.push({ operation: operation.operation, reason: fields?.join('; ') ?? error.message });
      }
    }
    return { tools, skipped };
  }

  /** Sends an HTTP tool's request once, without saving anything. */
  async testHttp(actor: Actor, body: { http: HttpToolConfigInput; input_schema?: Record<string, unknown> | undefined; arguments: Record<string, unknown> }, signal: AbortSignal) {
    const fields: FieldError[] = [];
    checkHttpConfig(body.http, 'body.http', fields);
    if (body.input_schema) checkInputSchema(body.input_schema, fields);
    if (fields.length > 0) throw invalidTool(fields);
    const execute = httpToolExecutor(
      { ...body.http, auth: publicAuth(body.http.auth) },
      { http: this.deps.http, credential: secretOf(body.http.auth) ?? null },
    );
    return this.tryOut(actor, 'test_http', body.input_schema, body.arguments, execute, signal);
  }

  /** Runs a piece of code in the sandbox once, without saving anything. */
  async testCode(actor: Actor, body: CodeToolConfigInput & { input_schema?: Record<string, unknown> | undefined; arguments: Record<string, unknown> }, signal: AbortSignal) {
    const fields: FieldError[] = [];
    if (body.input_schema) checkInputSchema(body.input_schema, fields);
    if (fields.length > 0) throw invalidTool(fields);
    const execute = codeToolExecutor(body, { sandbox: this.deps.sandbox });
    return this.tryOut(actor, 'test_code', body.input_schema, body.arguments, execute, signal);
  }

  private async tryOut(
    actor: Actor,
    name: string,
    schema: Record<string, unknown> | undefined,
    input: Record<string, unknown>,
    execute: RegisteredTool['execute'],
    signal: AbortSignal,
  ): Promise<ToolOutcome> {
    const inputSchema = inputSchemaFromJson(schema ?? { ...emptyInputSchema, additionalProperties: true });
    const tool: RegisteredTool = { name, category: 'custom', description: name, inputSchema, execute };
    const parsed = inputSchema.safeParse(input);
    if (!parsed.success) throw argumentsMismatch(name, parsed.error.issues);
    return this.deps.catalogue.invoke(tool, parsed.data, { userId: actor.userId, agentId: null, runId: null, signal });
  }

  /** The change an HTTP config update makes: the new config, and the credential kept, replaced or dropped. */
  private httpChange(current: CustomToolRecord, http: HttpToolConfigInput, fields: FieldError[]): Partial<NewCustomTool> {
    checkHttpConfig(http, 'body.http', fields);
    const secret = secretOf(http.auth);
    const previousType = (current.config.auth as { type?: string } | undefined)?.type;
    const change: Partial<NewCustomTool> = { config: { ...storedHttpConfig(http) } };
    if (http.auth.type === 'none') return { ...change, secretSealed: null, secretMasked: null };
    if (secret) return { ...change, secretSealed: this.deps.secrets.seal(secret), secretMasked: maskSecret(secret) };
    if (previousType !== http.auth.type || !current.secretSealed) {
      fields.push({ field: 'body.http.auth', message: `a ${http.auth.type} tool needs its credential` });
    }
    return change;
  }
}

import type { FastifyRequest } from 'fastify';
import { isUuid } from './agentos.agents.js';
import { AgentOsError, badRequest, invalidBoolean, missingField, notFoundDetail, unprocessable, type ValidationIssue } from './agentos.errors.js';

/** A run endpoint's form: its text fields (the last value of a repeated one) and how many files came. */
export interface RunForm {
  fields: Record<string, string>;
  files: number;
}

/**
 * Reads a form body, multipart or urlencoded, as FastAPI's `Form(...)` does. Any other body (JSON)
 * is no form at all, so its fields are missing: the spec answers a JSON body with 422.
 */
export async function readRunForm(request: FastifyRequest): Promise<RunForm> {
  const fields: Record<string, string> = {};
  let files = 0;
  if (request.isMultipart()) {
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          files += 1;
          // busboy only moves on once the part is consumed.
          part.file.resume();
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
    } catch (error) {
      throw badRequest(`The multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { fields, files };
  }
  const type = String(request.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded') && request.body && typeof request.body === 'object') {
    for (const [name, value] of Object.entries(request.body as Record<string, unknown>)) {
      const last = Array.isArray(value) ? value.at(-1) : value;
      if (last !== undefined) fields[name] = String(last);
    }
  }
  return { fields, files };
}

const truthy = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const falsy = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/** A form boolean as pydantic reads it (`true/false`, `1/0`, `yes/no`, `on/off`); absent is `fallback`. */
export function formBoolean(form: RunForm, name: string, fallback: boolean): boolean {
  const value = form.fields[name];
  if (value === undefined) return fallback;
  const normalized = value.trim().toLowerCase();
  if (truthy.has(normalized)) return true;
  if (falsy.has(normalized)) return false;
  throw unprocessable([invalidBoolean(name, value)]);
}

/** A required text field; 422 `missing` when absent, as FastAPI says. */
export function requiredField(form: RunForm, name: string): string {
  const value = form.fields[name];
  if (value === undefined) throw unprocessable([missingField('body', name)]);
  return value;
}

/** Validates a run form as FastAPI would, every problem in one 422 list. */
export function runInput(form: RunForm) {
  const issues: ValidationIssue[] = [];
  const collect = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof AgentOsError && Array.isArray(error.detail)) issues.push(...error.detail);
      else throw error;
      return undefined;
    }
  };
  if (form.fields.message === undefined) issues.push(missingField('body', 'message'));
  const stream = collect(() => formBoolean(form, 'stream', true));
  const background = collect(() => formBoolean(form, 'background', false));
  if (issues.length > 0) throw unprocessable(issues);
  if (form.files > 0) throw badRequest('Unsupported file type: this server does not take files on runs');
  if (background) throw badRequest('Background execution is not supported by this server');
  const sessionId = form.fields.session_id?.trim() || undefined;
  if (sessionId !== undefined && !isUuid(sessionId)) throw notFoundDetail(`Session with id '${sessionId}' not found`);
  return { message: form.fields.message!, stream: stream ?? true, sessionId };
}


/** Form fields that steer the run rather than feed the workflow. */
const runControlFields = new Set(['stream', 'background', 'session_id', 'user_id', 'version', 'factory_input', 'monitor']);

/** A workflow's input from a run form: `message` and every field that is not a run control, as strings. */
export function workflowInputOf(form: RunForm): Record<string, unknown> {
  return Object.fromEntries(Object.entries(form.fields).filter(([name]) => !runControlFields.has(name)));
}

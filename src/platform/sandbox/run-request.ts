import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import type { WorkerJob } from './protocol.js';
import type { SandboxLanguage, SandboxLimits, SandboxRunRequest } from './sandbox.js';

/** Largest accepted code, in characters. */
const maximumCodeLength = 1_000_000;
/** Largest accepted input, as JSON bytes. */
const maximumInputBytes = 10 * 1024 * 1024;

/** Shape and range of the limits, shared by requests and sandbox defaults. */
export const limitsSchema = z.object({
  timeoutMs: z.number().int().min(1).max(600_000).describe('Wall-time limit in milliseconds'),
  memoryMb: z.number().int().min(1).max(4096).describe('Memory limit in MiB, on top of the loaded interpreter'),
  outputBytes: z.number().int().min(1).max(64 * 1024 * 1024).describe('Cap on logs plus the serialised result, in bytes'),
  stackBytes: z.number().int().min(16 * 1024).max(8 * 1024 * 1024).describe('QuickJS stack size in bytes'),
});

const requestSchema = z.object({
  language: z.enum(['javascript', 'python']).describe('Language of the code'),
  code: z.string().max(maximumCodeLength).describe('The code to run'),
  timeoutMs: limitsSchema.shape.timeoutMs.optional(),
  memoryMb: limitsSchema.shape.memoryMb.optional(),
});

/** A validated run: its language, the job for the worker and the limits that apply. */
export interface PreparedRun {
  language: SandboxLanguage;
  job: WorkerJob;
  limits: SandboxLimits;
}

function invalidRequest(message: string, details?: Record<string, unknown>): AppError {
  return new AppError({ code: 'SANDBOX_INVALID_REQUEST', category: 'validation', message, ...(details ? { details } : {}) });
}

/** Serialises the input once, here, so the worker receives plain JSON text. */
function serialiseInput(input: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(input ?? null);
  } catch (error) {
    throw invalidRequest(`The sandbox input is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json === undefined) throw invalidRequest('The sandbox input is not JSON-serialisable');
  if (Buffer.byteLength(json) > maximumInputBytes) throw invalidRequest(`The sandbox input is larger than ${maximumInputBytes} bytes`);
  return json;
}

/** Validates a request against the schema and merges its limits over the defaults; throws SANDBOX_INVALID_REQUEST. */
export function prepareRun(request: SandboxRunRequest, defaults: SandboxLimits): PreparedRun {
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
    throw invalidRequest('The sandbox request is invalid', { fields });
  }
  const limits: SandboxLimits = {
    ...defaults,
    timeoutMs: parsed.data.timeoutMs ?? defaults.timeoutMs,
    memoryMb: parsed.data.memoryMb ?? defaults.memoryMb,
  };
  const job: WorkerJob = { id: randomUUID(), code: parsed.data.code, inputJson: serialiseInput(request.input), ...limits };
  return { language: parsed.data.language, job, limits };
}

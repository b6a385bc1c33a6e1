import type { TokenUsage } from '../../platform/llm/llm-call.js';

/** The platform as workflow nodes see it, already scoped to the workflow's owner. */
export interface WorkflowServices {
  /** Calls a chat model; with `schema` the answer is a JSON object matching it. */
  generate(options: {
    modelConfigId?: string | undefined;
    system?: string | undefined;
    prompt: string;
    /** A JSON Schema (object) for structured output. */
    schema?: Record<string, unknown> | undefined;
    temperature?: number | undefined;
    signal: AbortSignal;
    onToken?: ((text: string) => void) | undefined;
  }): Promise<{ text: string; object?: unknown; usage: TokenUsage; model: string }>;
  /** Asks one of the owner's agents (a run of its own, child of the execution's run). */
  askAgent(options: { agentId: string; message: string; signal: AbortSignal; /** The asking node, for labels. */ nodeId?: string | undefined }): Promise<{
    content: string;
    sessionId: string;
    runId: string;
    usage: TokenUsage;
  }>;
  /** Hybrid search over the owner's knowledge bases. */
  searchKnowledge(options: {
    knowledgeBaseIds: string[];
    query: string;
    topK?: number | undefined;
    signal: AbortSignal;
  }): Promise<Array<{ content: string; document_name: string; score: number; [key: string]: unknown }>>;
  /** Calls a built-in or custom tool by name; a tool failure is an error. */
  callTool(options: { name: string; arguments: Record<string, unknown>; signal: AbortSignal }): Promise<unknown>;
  /** An SSRF-guarded HTTP request. */
  httpRequest(options: {
    url: string;
    method: string;
    headers: Record<string, string>;
    body?: string | undefined;
    timeoutMs: number;
    signal: AbortSignal;
  }): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  /** Runs user code in the sandbox with `input`; resolves to its result. */
  runCode(options: {
    language: 'javascript' | 'python';
    code: string;
    input: Record<string, unknown>;
    timeoutMs: number;
    signal: AbortSignal;
  }): Promise<{ result: unknown; logs: string[] }>;
  /** Runs another of the owner's workflows to the end (a sub-workflow). */
  runWorkflow(options: { workflowId: string; input: Record<string, unknown>; signal: AbortSignal }): Promise<{
    output: Record<string, unknown>;
    usage: TokenUsage;
  }>;
}

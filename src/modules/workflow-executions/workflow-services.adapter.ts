import { generateText, jsonSchema, Output, streamText } from 'ai';
import { NodeError } from '../../engine/workflow/run-node.js';
import type { WorkflowServices } from '../../engine/workflow/workflow-services.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { HttpClient } from '../../platform/http-client/index.js';
import { callSettings, type ModelGateway } from '../../platform/llm/gateway.js';
import { tokenUsage } from '../../platform/llm/llm-call.js';
import type { Sandbox } from '../../platform/sandbox/sandbox.js';
import { agentTurn } from '../agent-chat/agent-turn.js';
import type { ChatRunner } from '../agent-chat/chat-runner.js';
import type { AgentsService } from '../agents/agents.service.js';
import type { KnowledgeBasesRepository } from '../knowledge-bases/knowledge-bases.repository.js';
import type { KnowledgeSearch } from '../knowledge-bases/knowledge-search.js';
import type { ToolsService } from '../tools/tools.service.js';

/** The platform parts workflow nodes reach. */
export interface WorkflowPlatform {
  gateway: ModelGateway;
  agents: AgentsService;
  runner: ChatRunner;
  knowledge: { repository: KnowledgeBasesRepository; search: KnowledgeSearch };
  tools: ToolsService;
  http: HttpClient;
  sandbox: Sandbox;
}

/** How one execution reaches the platform: as its owner, under its run, and how it starts sub-workflows. */
export interface ExecutionScope {
  actor: Actor;
  runId: string;
  runWorkflow: WorkflowServices['runWorkflow'];
}

/** The workflow services of one execution: every call acts as the workflow's owner. */
export function workflowServices(platform: WorkflowPlatform, scope: ExecutionScope): WorkflowServices {
  const { actor, runId } = scope;
  const context = { userId: actor.userId, runId };
  return {
    async generate(options) {
      const selector = options.modelConfigId ? { modelConfigId: options.modelConfigId } : undefined;
      const model = await platform.gateway.resolveChat(actor.userId, selector, context);
      const settings = callSettings({ ...model.parameters, ...(options.temperature !== undefined ? { temperature: options.temperature } : {}) });
      const common = { model: model.model, ...(options.system ? { system: options.system } : {}), prompt: options.prompt, abortSignal: options.signal, ...settings };
      if (options.schema) {
        const result = await generateText({ ...common, output: Output.object({ schema: jsonSchema(options.schema) }) });
        return { text: result.text, object: result.output, usage: tokenUsage(result.usage.inputTokens, result.usage.outputTokens), model: model.label };
      }
      if (options.onToken) {
        const stream = streamText(common);
        for await (const text of stream.textStream) options.onToken(text);
        const usage = await stream.usage;
        return { text: await stream.text, usage: tokenUsage(usage.inputTokens, usage.outputTokens), model: model.label };
      }
      const result = await generateText(common);
      return { text: result.text, usage: tokenUsage(result.usage.inputTokens, result.usage.outputTokens), model: model.label };
    },
    async askAgent(options) {
      const agent = await platform.agents.forChat(actor, options.agentId);
      const answer = await platform.runner.reply(actor, agentTurn(agent, { message: options.message }), {
        signal: options.signal,
        parentRunId: runId,
      });
      return { content: answer.content, sessionId: answer.session_id, runId: answer.run_id, usage: answer.token_usage };
    },
    async searchKnowledge(options) {
      const bases = await platform.knowledge.repository.findManyOwned(actor.userId, options.knowledgeBaseIds);
      if (bases.length === 0) throw new NodeError('none of these knowledge bases is yours', 'KNOWLEDGE_BASE_NOT_FOUND');
      const { hits } = await platform.knowledge.search.retrieve(bases, { query: options.query, topK: options.topK, signal: options.signal, context });
      return hits;
    },
    async callTool(options) {
      const outcome = await platform.tools.use(actor, options.name, options.arguments, options.signal, runId);
      if (!outcome.ok) throw new NodeError(outcome.error?.message ?? 'the tool failed', outcome.error?.code ?? 'TOOL_FAILED');
      return outcome.output;
    },
    async httpRequest(options) {
      const response = await platform.http.request(options.url, {
        method: options.method,
        headers: options.headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      });
      return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: response.text() };
    },
    async runCode(options) {
      const result = await platform.sandbox.run({ language: options.language, code: options.code, input: options.input, timeoutMs: options.timeoutMs, signal: options.signal });
      if (!result.ok) throw new NodeError(result.error.message, `CODE_${result.error.kind.toUpperCase()}`);
      return { result: result.result, logs: result.logs ? result.logs.split('\n') : [] };
    },
    runWorkflow: scope.runWorkflow,
  };
}

import { z } from 'zod';
import { tokenUsage, type TokenUsage } from '../../../platform/llm/llm-call.js';
import type { WorkflowNode } from '../definition.js';
import { runWorkflow, type WorkflowEvent, type WorkflowResult } from '../executor.js';
import { NodeTypeRegistry, type NodeType } from '../node-type.js';
import { memoryCheckpoint, type StepRecord } from '../step-record.js';
import type { WorkflowServices } from '../workflow-services.js';

type GenerateOptions = Parameters<WorkflowServices['generate']>[0];
type AskAgentOptions = Parameters<WorkflowServices['askAgent']>[0];
type SearchKnowledgeOptions = Parameters<WorkflowServices['searchKnowledge']>[0];
type CallToolOptions = Parameters<WorkflowServices['callTool']>[0];

/** A scripted answer of the fake model: text, an object, tokens to stream, usage and model name. */
export interface ScriptedGeneration {
  text?: string;
  object?: unknown;
  /** Sent to onToken one by one (when the caller streams) before the answer resolves. */
  tokens?: string[];
  usage?: TokenUsage;
  model?: string;
}

/** One scripted reply: a value, an error to throw, or a function of the call (for blocking fakes). */
export type Scripted<Options, Answer> = Answer | Error | ((options: Options) => Promise<Answer>);

/** The replies each fake service gives, in order. */
export interface ServiceScript {
  generate?: Array<Scripted<GenerateOptions, ScriptedGeneration>>;
  askAgent?: Array<Scripted<AskAgentOptions, Awaited<ReturnType<WorkflowServices['askAgent']>>>>;
  searchKnowledge?: Array<Scripted<SearchKnowledgeOptions, Awaited<ReturnType<WorkflowServices['searchKnowledge']>>>>;
  callTool?: Array<Scripted<CallToolOptions, unknown>>;
}

/** A fake WorkflowServices and the calls that reached it. */
export interface FakeServices {
  services: WorkflowServices;
  calls: {
    generate: GenerateOptions[];
    askAgent: AskAgentOptions[];
    searchKnowledge: SearchKnowledgeOptions[];
    callTool: CallToolOptions[];
  };
}

/** A scripted reply that never comes: it rejects with the signal's reason once the call is aborted. */
export function untilAborted<Answer>(options: { signal: AbortSignal }): Promise<Answer> {
  return new Promise((_, reject) => {
    options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true });
  });
}

/** An error carrying a code, as platform services throw them. */
export function codedError(code: string, message = `failed with ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

/** Takes the next scripted reply for a service, recording the call. */
async function reply<Options, Answer>(name: string, script: Array<Scripted<Options, Answer>> | undefined, calls: Options[], options: Options): Promise<Answer> {
  calls.push(options);
  const next = script?.shift();
  if (next === undefined) throw new Error(`the fake ${name} has no scripted answer left`);
  if (next instanceof Error) throw next;
  if (typeof next === 'function') return (next as (options: Options) => Promise<Answer>)(options);
  return next;
}

/**
 * A WorkflowServices whose model, agents, knowledge and tools answer from a script and record
 * every call; HTTP, code and sub-workflows are not scripted and throw.
 */
export function fakeServices(script: ServiceScript = {}): FakeServices {
  const calls: FakeServices['calls'] = { generate: [], askAgent: [], searchKnowledge: [], callTool: [] };
  const notScripted = (name: string) => () => Promise.reject(new Error(`the fake ${name} is not scripted`));
  const services: WorkflowServices = {
    async generate(options) {
      const answer = await reply('generate', script.generate, calls.generate, options);
      for (const token of answer.tokens ?? []) options.onToken?.(token);
      return {
        text: answer.text ?? (answer.tokens ?? []).join(''),
        ...(answer.object !== undefined ? { object: answer.object } : {}),
        usage: answer.usage ?? tokenUsage(10, 5),
        model: answer.model ?? 'fake-model',
      };
    },
    askAgent: (options) => reply('askAgent', script.askAgent, calls.askAgent, options),
    searchKnowledge: (options) => reply('searchKnowledge', script.searchKnowledge, calls.searchKnowledge, options),
    callTool: (options) => reply('callTool', script.callTool, calls.callTool, options),
    httpRequest: notScripted('httpRequest'),
    runCode: notScripted('runCode'),
    runWorkflow: notScripted('runWorkflow'),
  };
  return { services, calls };
}

/** Test stand-in for the start node: outputs the execution's input. */
const startStandIn: NodeType<Record<string, unknown>> = {
  type: 'start',
  description: 'test start',
  configSchema: z.record(z.string(), z.unknown()),
  run: async ({ scope }) => ({ kind: 'done', output: (scope.start as { input: Record<string, unknown> }).input }),
};

/** Test stand-in for the end node and for branch targets: outputs its resolved config. */
function echoStandIn(type: string): NodeType<Record<string, unknown>> {
  return {
    type,
    description: `test ${type}`,
    configSchema: z.record(z.string(), z.unknown()),
    run: async ({ config }) => ({ kind: 'done', output: config }),
  };
}

/** A registry with the given node types plus test stand-ins `start`, `end` and `echo` (outputs its config). */
export function registryWith(...nodeTypes: Array<NodeType<unknown>>): NodeTypeRegistry {
  const registry = new NodeTypeRegistry().register(startStandIn).register(echoStandIn('end')).register(echoStandIn('echo'));
  for (const nodeType of nodeTypes) registry.register(nodeType);
  return registry;
}

/** What {@link runGraph} and {@link runSingleNode} give back: the result, every step and every event. */
export interface GraphRun {
  result: WorkflowResult;
  steps: StepRecord[];
  events: WorkflowEvent[];
  /** The step of the node with this id (throws when it did not run). */
  step(nodeId: string): StepRecord;
}

/** Runs a graph with the given node types, services and input, recording steps and events. */
export async function runGraph(options: {
  nodes: Array<Pick<WorkflowNode, 'id' | 'type'> & Partial<WorkflowNode>>;
  edges: Array<{ source: string; target: string; source_handle?: string }>;
  nodeTypes: Array<NodeType<unknown>>;
  services: WorkflowServices;
  input?: Record<string, unknown>;
  signal?: AbortSignal;
}): Promise<GraphRun> {
  const checkpoint = memoryCheckpoint();
  const events: WorkflowEvent[] = [];
  const result = await runWorkflow({
    graph: { nodes: options.nodes.map((node) => ({ config: {}, ...node })), edges: options.edges },
    input: options.input ?? {},
    registry: registryWith(...options.nodeTypes),
    services: options.services,
    checkpoint,
    signal: options.signal ?? new AbortController().signal,
    emit: (event) => events.push(event),
  });
  const step = (nodeId: string) => {
    const found = checkpoint.steps.find((item) => item.nodeId === nodeId);
    if (!found) throw new Error(`node "${nodeId}" has no step`);
    return found;
  };
  return { result, steps: checkpoint.steps, events, step };
}

/**
 * Runs `start -> subject -> end` where subject is a node of the given type and config; the end
 * node outputs `{ subject: <the subject's output> }`.
 */
export function runSingleNode(options: {
  nodeType: NodeType<unknown>;
  config: Record<string, unknown>;
  errorPolicy?: WorkflowNode['error_policy'];
  services: WorkflowServices;
  input?: Record<string, unknown>;
  signal?: AbortSignal;
}): Promise<GraphRun> {
  const subject = { id: 'subject', type: options.nodeType.type, config: options.config, ...(options.errorPolicy ? { error_policy: options.errorPolicy } : {}) };
  return runGraph({
    nodes: [{ id: 'start', type: 'start' }, subject, { id: 'end', type: 'end', config: { subject: '{{subject.output}}' } }],
    edges: [
      { source: 'start', target: 'subject' },
      { source: 'subject', target: 'end' },
    ],
    nodeTypes: [options.nodeType],
    services: options.services,
    ...(options.input ? { input: options.input } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

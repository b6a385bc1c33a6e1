import type { WorkflowGraph } from '../workflow/definition.js';
import { runWorkflow, type WorkflowEvent } from '../workflow/executor.js';
import type { NodeTypeRegistry } from '../workflow/node-type.js';
import type { WorkflowServices } from '../workflow/workflow-services.js';
import { graphNodeFailed } from './orchestration.errors.js';
import { orchestrator, speakerOf, turnOf, type ModeAgent, type ModeContext, type ModeResult, type ModeSpeaker, type Turn } from './mode-context.js';

/** What runs an agent graph: the planned graph, the node types, the platform services and the agents. */
export interface AgentGraphRun<Agent extends ModeAgent> {
  /** A graph from {@link planAgentGraph} (its agent nodes all name an agent and a message). */
  graph: WorkflowGraph;
  registry: NodeTypeRegistry;
  /** The services every node but `agent` uses. */
  services: Omit<WorkflowServices, 'askAgent'>;
  /** The agent an agent node names (the caller's; a {{reference}} resolves at run time). */
  agentOf(agentId: string): Promise<Agent>;
  /** The start node's input; `message` is what the first agents get. */
  input: Record<string, unknown> & { message: string };
  now?: () => Date;
}

/**
 * `graph`: runs an agent's workflow with the workflow engine, each agent node speaking as its agent
 * (its events under its name, labelled with the node id). Steps: announce each node as a `stage`
 * as it starts; let agent nodes ask their agent through the context; map the engine's outcome: the
 * output (its `content`, or the last agent's answer), a failed node as ORCHESTRATION_NODE_FAILED,
 * a cancel as the run's cancel. Agents on parallel branches speak at once, each under its node.
 */
export async function runAgentGraph<Agent extends ModeAgent>(context: ModeContext<Agent>, options: AgentGraphRun<Agent>): Promise<ModeResult> {
  const turns: Turn[] = [];
  let speaker: ModeSpeaker = orchestrator;
  let stage = 0;
  const services: WorkflowServices = {
    ...options.services,
    askAgent: async ({ agentId, message, nodeId }) => {
      const agent = await options.agentOf(agentId);
      const labels = { node_id: nodeId ?? null };
      const answer = await context.speak(agent, message, { labels });
      turns.push(turnOf(answer, labels));
      speaker = speakerOf(agent);
      return { content: answer.content, sessionId: answer.session_id, runId: answer.run_id, usage: answer.token_usage };
    },
  };
  const emit = (event: WorkflowEvent) => {
    if (event.type !== 'node-start') return;
    if (event.nodeType !== 'start' && event.nodeType !== 'end') {
      stage += 1;
      context.emit('stage', { stage, name: event.nodeId, node_type: event.nodeType });
    }
  };
  const result = await runWorkflow({
    graph: options.graph,
    input: options.input,
    registry: options.registry,
    services,
    signal: context.signal,
    emit,
    ...(options.now ? { now: options.now } : {}),
  });
  if (result.status === 'cancelled') throw context.signal.reason;
  if (result.status === 'failed') throw graphNodeFailed(result.error!);
  if (result.status !== 'succeeded') throw new Error(`an agent graph cannot end ${result.status}`);
  const content = typeof result.output.content === 'string' ? result.output.content : (turns.at(-1)?.content ?? '');
  return { speaker, output: { content, output: result.output, turns } };
}

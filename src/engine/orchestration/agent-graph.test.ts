import { describe, expect, it } from 'vitest';
import { builtinNodeTypes } from '../workflow/builtin-nodes.js';
import type { WorkflowServices } from '../workflow/workflow-services.js';
import { planAgentGraph, previousOutputTemplate } from './agent-graph.js';
import { runAgentGraph } from './graph-mode.js';
import { agent, fakeContext } from './mode-context.test-helpers.js';

const registry = builtinNodeTypes();
const unused = async (): Promise<never> => {
  throw new Error('not used in this graph');
};
const services: Omit<WorkflowServices, 'askAgent'> = {
  generate: unused,
  searchKnowledge: unused,
  callTool: unused,
  httpRequest: unused,
  runCode: unused,
  runWorkflow: unused,
};

const approved = (left: string) => ({ cases: [{ id: 'approved', conditions: [{ left, operator: 'contains', right: 'APPROVED' }] }] });

describe('planAgentGraph', () => {
  it('adds a start node, makes agent nodes without agent the executing agent and gives them the previous output', () => {
    // writer -> check -approved-> publisher
    //                 -else-----> writer_again
    const self = agent('Self');
    const publisher = agent('Publisher');
    const config = {
      nodes: [
        { id: 'writer', type: 'agent', label: 'Writer', data: { canvas: true } },
        { id: 'check', type: 'condition', config: approved('{{writer.output.content}}') },
        { id: 'publisher', type: 'agent', config: { agent_id: publisher.id } },
        { id: 'writer_again', type: 'agent', config: { message: 'Try again: {{writer.output.content}}' } },
      ],
      edges: [
        { source: 'writer', target: 'check' },
        { source: 'check', target: 'publisher', source_handle: 'approved' },
        { source: 'check', target: 'writer_again', source_handle: 'else' },
      ],
    };

    const plan = planAgentGraph(config, { selfId: self.id, registry });

    expect(plan.issues).toEqual([]);
    const nodes = Object.fromEntries(plan.graph.nodes.map((node) => [node.id, node]));
    expect(nodes.start).toMatchObject({ type: 'start' });
    expect(plan.graph.edges).toContainEqual({ source: 'start', target: 'writer' });
    expect(nodes.writer!.config).toEqual({ agent_id: self.id, message: '{{start.input.message}}' });
    expect(nodes.publisher!.config).toEqual({ agent_id: publisher.id, message: '{{writer.output.content}}' });
    expect(nodes.writer_again!.config).toEqual({ agent_id: self.id, message: 'Try again: {{writer.output.content}}' });
    expect(plan.agentIds).toEqual([self.id, publisher.id]);
  });

  it('names every problem with its path', () => {
    const plan = planAgentGraph(
      {
        nodes: [
          { id: 'ask', type: 'agent' },
          { id: 'approve', type: 'human_approval', config: {} },
          { id: 'ghost', type: 'no_such_type' },
        ],
        edges: [
          { source: 'ask', target: 'approve' },
          { source: 'approve', target: 'nowhere' },
        ],
      },
      { selfId: null, registry },
    );

    const problems = plan.issues.map((issue) => [issue.code, issue.path]);
    expect(problems).toContainEqual(['AGENT_REQUIRED', 'nodes.0.config.agent_id']);
    expect(problems).toContainEqual(['NODE_TYPE_UNSUPPORTED', 'nodes.1.type']);
    expect(problems).toContainEqual(['DANGLING_EDGE', 'edges.1.target']);
  });

  it('refuses what is not a graph', () => {
    expect(planAgentGraph({ nodes: 'x' }, { selfId: null, registry }).issues[0]).toMatchObject({ code: 'GRAPH_INVALID', path: 'nodes' });
  });

  it('takes the previous output of a join from every branch, through conditions', () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'a', type: 'agent', config: {} },
        { id: 'gate', type: 'condition', config: {} },
        { id: 'llm', type: 'llm', config: {} },
        { id: 'http', type: 'http', config: {} },
        { id: 'join', type: 'agent', config: {} },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'gate' },
        { source: 'gate', target: 'join' },
        { source: 'llm', target: 'join' },
        { source: 'http', target: 'join' },
      ],
    };

    expect(previousOutputTemplate(graph, 'join')).toBe('{{a.output.content}}\n\n{{llm.output.text}}\n\n{{{http.output}}}');
  });
});

describe('runAgentGraph', () => {
  it('runs the graph with the workflow engine, each agent node speaking as its agent, and follows the conditional edge', async () => {
    const self = agent('Writer');
    const publisher = agent('Publisher');
    const agents = new Map([self, publisher].map((entry) => [entry.id, entry]));
    const config = {
      nodes: [
        { id: 'draft', type: 'agent' },
        { id: 'check', type: 'condition', config: approved('{{draft.output.content}}') },
        { id: 'publish', type: 'agent', config: { agent_id: publisher.id } },
        { id: 'redo', type: 'agent' },
      ],
      edges: [
        { source: 'draft', target: 'check' },
        { source: 'check', target: 'publish', source_handle: 'approved' },
        { source: 'check', target: 'redo', source_handle: 'else' },
      ],
    };
    const { graph } = planAgentGraph(config, { selfId: self.id, registry });
    const { context, calls, events } = fakeContext({ replies: ['Poem. APPROVED', 'Published: Poem.'] });

    const result = await runAgentGraph(context, { graph, registry, services, agentOf: async (id) => agents.get(id)!, input: { message: 'Write a poem' } });

    expect(calls.map((call) => [call.agent, call.message, call.options.labels])).toEqual([
      ['Writer', 'Write a poem', { node_id: 'draft' }],
      ['Publisher', 'Poem. APPROVED', { node_id: 'publish' }],
    ]);
    expect(events.filter((event) => event.event === 'stage').map((event) => event.data.name)).toEqual(['draft', 'check', 'publish']);
    expect(result.speaker).toEqual({ agent_id: publisher.id, agent_name: 'Publisher' });
    expect(result.output).toMatchObject({ content: 'Published: Poem.', turns: [{ node_id: 'draft' }, { node_id: 'publish' }] });
  });

  it('fails with the node when an agent node fails', async () => {
    const self = agent('Self');
    const { graph } = planAgentGraph({ nodes: [{ id: 'only', type: 'agent' }], edges: [] }, { selfId: self.id, registry });
    const { context } = fakeContext({ onSpeak: () => { throw Object.assign(new Error('model down'), { code: 'LLM_UPSTREAM_ERROR' }); } });

    await expect(runAgentGraph(context, { graph, registry, services, agentOf: async () => self, input: { message: 'x' } })).rejects.toMatchObject({
      code: 'ORCHESTRATION_NODE_FAILED',
      details: { node_id: 'only', node_error: 'LLM_UPSTREAM_ERROR' },
    });
  });
});

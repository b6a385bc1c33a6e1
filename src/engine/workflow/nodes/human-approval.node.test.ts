import { describe, expect, it } from 'vitest';
import { checkpointAfter, createFlowHarness, edge, node } from './flow.test-helpers.js';
import { humanApprovalNode } from './human-approval.node.js';

/**
 *  prepare -> review --approved--> publish
 *                    \--rejected--> discard
 */
function reviewGraph(reviewConfig: Record<string, unknown> = {}) {
  return {
    nodes: [
      node('prepare', 'double', { value: 21 }),
      node('review', 'human_approval', { title: 'Publish {{prepare.output.value}}?', assignee: 'editor', ...reviewConfig }),
      node('publish', 'collect', { published: '{{prepare.output.value}}', by: '{{review.output.decided_by}}' }),
      node('discard', 'collect', { discarded: true, comment: '{{review.output.comment}}' }),
    ],
    edges: [edge('prepare', 'review'), edge('review', 'publish', 'approved'), edge('review', 'discard', 'rejected')],
  };
}

describe('human_approval node', () => {
  it('stops the execution as waiting with the request, running nothing after it', async () => {
    const harness = createFlowHarness();

    const { result, step } = await harness.run(reviewGraph());

    expect(result.status).toBe('waiting');
    expect(result.waiting).toEqual({
      nodeId: 'review',
      request: { title: 'Publish 42?', description: null, assignee: 'editor', options: ['approved', 'rejected'] },
    });
    expect(step('review')?.status).toBe('waiting');
    expect(step('publish')).toBeUndefined();
    expect(step('discard')).toBeUndefined();
  });

  it('resumes down the approved branch without re-running the nodes done before', async () => {
    const harness = createFlowHarness();
    const graph = reviewGraph();
    const first = await harness.run(graph);

    const second = await harness.run(graph, {
      checkpoint: checkpointAfter(first),
      resumeData: { nodeId: 'review', data: { decision: 'approved', decided_by: 'ada' } },
    });

    expect(second.result.status).toBe('succeeded');
    expect(second.step('review')).toMatchObject({ status: 'succeeded', branch: 'approved', output: { decision: 'approved', comment: null, decided_by: 'ada' } });
    expect(second.step('publish')?.output).toEqual({ published: 42, by: 'ada' });
    expect(second.step('discard')?.status).toBe('skipped');
    expect(second.step('prepare')).toBeUndefined();
    expect(harness.probe.log).toEqual(['double 21']);
  });

  it('resumes down the rejected branch with the comment', async () => {
    const harness = createFlowHarness();
    const graph = reviewGraph();
    const first = await harness.run(graph);

    const second = await harness.run(graph, {
      checkpoint: checkpointAfter(first),
      resumeData: { nodeId: 'review', data: { decision: 'rejected', comment: 'too early' } },
    });

    expect(second.result.output).toEqual({ discarded: true, comment: 'too early' });
    expect(second.step('publish')?.status).toBe('skipped');
  });

  it('offers custom options as branches', async () => {
    const harness = createFlowHarness();
    const graph = reviewGraph({ options: ['approved', 'rejected', 'escalated'] });
    graph.nodes.push(node('escalate', 'collect', { escalated: true }));
    graph.edges.push(edge('review', 'escalate', 'escalated'));
    const first = await harness.run(graph);

    const second = await harness.run(graph, { checkpoint: checkpointAfter(first), resumeData: { nodeId: 'review', data: { decision: 'escalated' } } });

    expect(first.result.waiting?.request.options).toEqual(['approved', 'rejected', 'escalated']);
    expect(second.result.output).toEqual({ escalated: true });
    expect(humanApprovalNode.branches?.(humanApprovalNode.configSchema.parse({ title: 't', options: ['yes', 'no'] }))).toEqual(['yes', 'no']);
  });

  it.each([
    ['a decision outside the options', { decision: 'maybe' }],
    ['no decision', { comment: 'hmm' }],
  ])('fails with APPROVAL_INVALID_DECISION on %s', async (_, data) => {
    const harness = createFlowHarness();
    const graph = reviewGraph();
    const first = await harness.run(graph);

    const second = await harness.run(graph, { checkpoint: checkpointAfter(first), resumeData: { nodeId: 'review', data } });

    expect(second.result.status).toBe('failed');
    expect(second.step('review')?.error?.code).toBe('APPROVAL_INVALID_DECISION');
    expect(second.step('publish')).toBeUndefined();
  });

  it.each([
    ['no title', { title: '' }],
    ['no options', { options: [] }],
    ['repeated options', { options: ['yes', 'yes'] }],
    ['an option that is not a handle', { options: ['yes please'] }],
  ])('rejects a config with %s as NODE_CONFIG_INVALID', async (_, config) => {
    const harness = createFlowHarness();

    const { result, step } = await harness.run(reviewGraph(config));

    expect(result.status).toBe('failed');
    expect(step('review')?.error?.code).toBe('NODE_CONFIG_INVALID');
  });
});

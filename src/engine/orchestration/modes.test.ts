import { describe, expect, it } from 'vitest';
import { runDebate } from './debate.js';
import { agent, fakeContext } from './mode-context.test-helpers.js';
import { checkPipeline, runPipeline } from './pipeline.js';
import { runSequential } from './sequential.js';

describe('runSequential', () => {
  it('asks the agents in order, each with the previous answer, and answers with the last', async () => {
    const [a, b, c] = [agent('A'), agent('B'), agent('C')];
    const { context, calls } = fakeContext({ replies: ['draft', 'better', 'best'] });

    const result = await runSequential(context, { agents: [a, b, c], message: 'write' });

    expect(calls.map((call) => [call.agent, call.message])).toEqual([
      ['A', 'write'],
      ['B', 'draft'],
      ['C', 'better'],
    ]);
    expect(calls[1]!.options.labels).toEqual({ step: 2, steps: 3 });
    expect(result.speaker).toEqual({ agent_id: c.id, agent_name: 'C' });
    expect(result.output).toMatchObject({ content: 'best', turns: [{ agent_name: 'A', content: 'draft', step: 1 }, { step: 2 }, { step: 3 }] });
  });

  it('starts no agent after a cancel', async () => {
    const { context, calls, cancel } = fakeContext({ onSpeak: (_, index) => index === 0 && cancel() });

    await expect(runSequential(context, { agents: [agent('A'), agent('B')], message: 'x' })).rejects.toThrow('cancelled');
    expect(calls).toHaveLength(1);
  });
});

describe('runPipeline', () => {
  it('maps each input from the message, the previous output and named stages, and the final output', async () => {
    const [writer, critic] = [agent('Writer'), agent('Critic')];
    const { context, calls, events } = fakeContext({ replies: ['a poem', 'too short', 'a longer poem'] });
    const stages = [
      { name: 'draft', agent: writer },
      { name: 'review', agent: critic, input: 'Review this: {{previous}}' },
      { name: 'revise', agent: writer, input: 'Task: {{input}}\nDraft: {{stages.draft.output}}\nReview: {{stages.review.output}}' },
    ];

    const result = await runPipeline(context, { stages, message: 'a poem about rain', output: '{{stages.revise.output}} ({{stages.review.agent_name}} helped)' });

    expect(calls.map((call) => call.message)).toEqual(['a poem about rain', 'Review this: a poem', 'Task: a poem about rain\nDraft: a poem\nReview: too short']);
    expect(events.filter((event) => event.event === 'stage').map((event) => [event.data.name, event.speaker?.agent_name])).toEqual([
      ['draft', 'Writer'],
      ['review', 'Critic'],
      ['revise', 'Writer'],
    ]);
    expect(result.output).toMatchObject({ content: 'a longer poem (Critic helped)' });
    expect(result.output.turns).toHaveLength(3);
  });

  it('fails a stage whose input renders to nothing', async () => {
    const { context, calls } = fakeContext({ replies: ['  '] });
    const stages = [{ name: 'one', agent: agent('A') }, { name: 'two', agent: agent('B') }];

    await expect(runPipeline(context, { stages, message: 'x' })).rejects.toMatchObject({ code: 'ORCHESTRATION_STAGE_INPUT_EMPTY' });
    expect(calls).toHaveLength(1);
  });
});

describe('checkPipeline', () => {
  it('accepts references to the message, the previous output and earlier stages', () => {
    expect(checkPipeline([{ name: 'a' }, { name: 'b', input: '{{input}} {{previous}} {{stages.a.output}}' }], '{{stages.b.output}}')).toEqual([]);
  });

  it('names every problem: later or unknown stages, other roots, duplicates, bad names, broken templates', () => {
    const issues = checkPipeline(
      [
        { name: 'a', input: '{{stages.b.output}}' },
        { name: 'b', input: '{{env.SECRET}}' },
        { name: 'b' },
        { name: '1bad', input: '{{#open}}' },
      ],
      '{{stages.zzz.output}}',
    );

    expect(issues.map((issue) => issue.path)).toEqual(['stages.0.input', 'stages.1.input', 'stages.2.name', 'stages.3.name', 'stages.3.input', 'output']);
  });
});

describe('runDebate', () => {
  it('lets each debater speak per round with the transcript so far, then the judge gives a JSON verdict', async () => {
    const [pro, con, judge] = [agent('Pro'), agent('Con'), agent('Judge')];
    const verdict = JSON.stringify({ verdict: 'Pro wins', reasons: ['clearer', 'more evidence'], winner: 'pro' });
    const { context, calls, events } = fakeContext({ replies: ['P1', 'C1', 'P2', 'C2', verdict] });

    const result = await runDebate(context, { debaters: [pro, con], judge, rounds: 2, message: 'Is tea better than coffee?' });

    expect(calls.map((call) => call.agent)).toEqual(['Pro', 'Con', 'Pro', 'Con', 'Judge']);
    expect(calls[0]!.message).toContain('(nobody has spoken yet)');
    expect(calls[1]!.message).toContain('[Round 1] Pro: P1');
    expect(calls[2]!.message).toMatch(/Round 2 of 2[\s\S]*\[Round 1\] Pro: P1[\s\S]*\[Round 1\] Con: C1/);
    expect(calls[4]!.message).toContain('[Round 2] Con: C2');
    expect(calls[4]!.options.instructions).toContain('"verdict"');
    expect(events.filter((event) => event.event === 'round').map((event) => event.data)).toEqual([{ round: 1, rounds: 2 }, { round: 2, rounds: 2 }]);
    const verdictEvent = events.find((event) => event.event === 'verdict')!;
    expect(verdictEvent.speaker).toEqual({ agent_id: judge.id, agent_name: 'Judge' });
    expect(verdictEvent.data).toMatchObject({ verdict: 'Pro wins', reasons: ['clearer', 'more evidence'], winner: { agent_id: pro.id }, parsed: true });
    expect(result.output).toMatchObject({ content: 'Pro wins', rounds: 2, verdict: { winner: { agent_name: 'Pro' } } });
    expect((result.output.turns as unknown[]).length).toBe(4);
  });

  it('keeps a judge answer that is not JSON as the verdict and says so', async () => {
    const { context } = fakeContext({ replies: ['a', 'b', 'I think A won.'] });

    const result = await runDebate(context, { debaters: [agent('A'), agent('B')], judge: agent('J'), rounds: 1, message: 'x' });

    expect(result.output.verdict).toMatchObject({ verdict: 'I think A won.', reasons: [], winner: null, parsed: false, problem: expect.stringContaining('not JSON') });
  });

  it('starts no later speaker once cancelled mid-debate', async () => {
    const { context, calls, events, cancel } = fakeContext({ onSpeak: (_, index) => index === 2 && cancel() });

    await expect(runDebate(context, { debaters: [agent('A'), agent('B')], judge: agent('J'), rounds: 3, message: 'x' })).rejects.toThrow();
    expect(calls).toHaveLength(3);
    expect(events.some((event) => event.event === 'verdict')).toBe(false);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { agent, fakeContext } from './mode-context.test-helpers.js';
import { pickRoute, runRoute, type RouterModel } from './route.js';
import { jsonObjectIn, parseVerdict } from './verdict.js';

describe('parseVerdict', () => {
  const [pro, con] = [agent('Pro'), agent('Con')];

  it.each([
    ['plain JSON', '{"verdict": "Pro", "reasons": ["a"], "winner": "Pro"}'],
    ['a ```json fence with prose around it', 'Here it is:\n```json\n{"verdict": "Pro", "reasons": ["a"], "winner": "pro"}\n```\nThanks'],
    ['an object inside prose', 'My answer: {"verdict": "Pro", "reasons": ["a"], "winner": "PRO"} -- end'],
  ])('reads %s', (_, text) => {
    expect(parseVerdict(text, [pro, con])).toEqual({ verdict: 'Pro', reasons: ['a'], winner: { agent_id: pro.id, agent_name: 'Pro' }, parsed: true, problem: null });
  });

  it('takes one reason given as text, a winner given by id, and no winner', () => {
    expect(parseVerdict(`{"verdict": "v", "reasons": "because", "winner": "${con.id}"}`, [pro, con])).toMatchObject({ reasons: ['because'], winner: { agent_name: 'Con' } });
    expect(parseVerdict('{"verdict": "tie", "winner": null}', [pro, con])).toMatchObject({ reasons: [], winner: null, parsed: true, problem: null });
    expect(parseVerdict('{"verdict": "tie", "winner": "none"}', [pro, con])).toMatchObject({ winner: null, problem: null });
  });

  it('says when the named winner did not debate', () => {
    expect(parseVerdict('{"verdict": "v", "reasons": [], "winner": "Zed"}', [pro, con])).toMatchObject({ winner: null, parsed: true, problem: expect.stringContaining('"Zed"') });
  });

  it('keeps an answer that is not JSON, or JSON without a verdict, whole and says so', () => {
    expect(parseVerdict('  Pro argued better.  ', [pro])).toEqual({
      verdict: 'Pro argued better.',
      reasons: [],
      winner: null,
      parsed: false,
      problem: "The judge's answer was not JSON; verdict holds its whole answer",
    });
    expect(parseVerdict('{"decision": "Pro"}', [pro])).toMatchObject({ parsed: false, problem: expect.stringContaining('without a "verdict"') });
  });

  it('finds no object in arrays, numbers or broken JSON', () => {
    expect(jsonObjectIn('[1, 2]')).toBeUndefined();
    expect(jsonObjectIn('42')).toBeUndefined();
    expect(jsonObjectIn('{"verdict": ')).toBeUndefined();
  });
});

describe('runRoute', () => {
  const [billing, support] = [agent('Billing', 'invoices and refunds'), agent('Support', 'technical problems')];

  it('asks the router with the candidates, announces its choice and reason as the chosen agent, and lets it answer', async () => {
    const router = vi.fn<RouterModel>(async () => ({ text: '', object: { agent_id: billing.id, reason: 'it is about a refund' } }));
    const { context, calls, events } = fakeContext({ replies: ['Refund issued.'] });

    const result = await runRoute(context, { candidates: [billing, support], message: 'I want my money back', routerPrompt: 'Prefer Support when unsure', router });

    const request = router.mock.calls[0]![0];
    expect(request.prompt).toBe('I want my money back');
    expect(request.system).toContain(`id: ${support.id}`);
    expect(request.system).toContain('description: invoices and refunds');
    expect(request.system).toContain('Prefer Support when unsure');
    expect(request.schema).toMatchObject({ required: ['agent_id', 'reason'] });
    expect(events[0]).toMatchObject({ event: 'route', data: { reason: 'it is about a refund' }, speaker: { agent_id: billing.id, agent_name: 'Billing' } });
    expect((events[0]!.data.candidates as unknown[]).length).toBe(2);
    expect(calls).toEqual([expect.objectContaining({ agent: 'Billing', message: 'I want my money back' })]);
    expect(result.output).toMatchObject({ content: 'Refund issued.', route: { agent_id: billing.id, agent_name: 'Billing', reason: 'it is about a refund' } });
  });

  it('accepts a pick by name in text JSON', () => {
    expect(pickRoute({ text: '```json\n{"agent_id": "support", "reason": "tech"}\n```' }, [billing, support])).toEqual({ agent: support, reason: 'tech' });
  });

  it('refuses a pick that is none of the candidates, or no JSON, and asks nobody', async () => {
    const { context, calls } = fakeContext();
    const router: RouterModel = async () => ({ text: '{"agent_id": "Sales", "reason": "?"}', object: { agent_id: 'Sales', reason: '?' } });

    await expect(runRoute(context, { candidates: [billing, support], message: 'hi', router })).rejects.toMatchObject({
      code: 'ORCHESTRATION_ROUTE_INVALID',
      message: expect.stringContaining('Sales'),
    });
    expect(() => pickRoute({ text: 'Billing, I guess' }, [billing, support])).toThrow(/did not pick one of the agents/);
    expect(calls).toHaveLength(0);
  });
});

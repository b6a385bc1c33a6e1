import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import type { AgentResponse } from './agents.schemas.js';
import { createExample, expectValidationError, request, testApp, update, user, useAppPerTest } from './agents.test-helpers.js';

/** GET /api/v1/agents: pages, search, status filter, and only the caller's agents. */
useAppPerTest();

function list(query: string) {
  return request('GET', query, user);
}

function ids(response: { json(): { items: Array<{ id: string }> } }): string[] {
  return response.json().items.map((item) => item.id);
}

/** Creates an agent a minute after the previous one, so the list order (last updated first) is known. */
async function createLater(overrides: Record<string, unknown> = {}): Promise<AgentResponse> {
  testApp.clock.advance(60_000);
  return createExample(overrides);
}

describe('GET /api/v1/agents', () => {
  it('pages with {items, total, page, page_size}, last updated first', async () => {
    const first = await createLater({ name: 'first' });
    const second = await createLater({ name: 'second' });
    const third = await createLater({ name: 'third' });

    const pageOne = await list('?page_size=2');
    const pageTwo = await list('?page_size=2&page=2');
    const pageThree = await list('?page_size=2&page=3');

    expect(pageOne.statusCode).toBe(200);
    expect(pageOne.json()).toEqual({ items: [third, second], total: 3, page: 1, page_size: 2 });
    expect(ids(pageTwo)).toEqual([first.id]);
    expect(pageThree.json()).toEqual({ items: [], total: 3, page: 3, page_size: 2 });
  });

  it('defaults to page 1 of 20, and accepts page_size 100', async () => {
    await createExample();

    const byDefault = await list('');
    const largest = await list('?page_size=100');

    expect(byDefault.json()).toMatchObject({ total: 1, page: 1, page_size: 20 });
    expect(largest.statusCode).toBe(200);
    expect(largest.json()).toMatchObject({ total: 1, page: 1, page_size: 100 });
  });

  it('moves an updated agent to the front', async () => {
    const older = await createLater({ name: 'older' });
    const newer = await createLater({ name: 'newer' });
    testApp.clock.advance(60_000);
    await update(older.id, { description: 'touched' });

    const response = await list('');

    expect(ids(response)).toEqual([older.id, newer.id]);
  });

  it('searches name and description without regard to letter case', async () => {
    const byName = await createLater({ name: 'PRODUCTION helper', description: 'alpha' });
    const byDescription = await createLater({ name: 'other', description: 'Answers Production incidents' });
    await createLater({ name: 'staging', description: 'beta' });

    const response = await list('?search=production');

    expect(response.json().total).toBe(2);
    expect(ids(response)).toEqual([byDescription.id, byName.id]);
  });

  it('finds an agent by the name it was renamed to, not the old one', async () => {
    const created = await createLater({ name: 'Old title' });
    await update(created.id, { name: 'Fresh title' });

    const byNew = await list('?search=fresh');
    const byOld = await list('?search=old%20title');

    expect(ids(byNew)).toEqual([created.id]);
    expect(byOld.json()).toMatchObject({ items: [], total: 0 });
  });

  it('treats %, _ and \\ in the search as literal characters', async () => {
    const percent = await createLater({ name: 'cheap 100% agent' });
    const underscore = await createLater({ name: 'bot_4 helper' });
    const backslash = await createLater({ name: 'plain', description: 'C:\\agents\\bot' });
    await createLater({ name: 'bot-4 helper 1000 steps' });

    const byPercent = await list(`?search=${encodeURIComponent('100%')}`);
    const byUnderscore = await list('?search=bot_4');
    const byWildcard = await list(`?search=${encodeURIComponent('%')}`);
    const byBackslash = await list(`?search=${encodeURIComponent('\\a')}`);

    expect(ids(byPercent)).toEqual([percent.id]);
    expect(ids(byUnderscore)).toEqual([underscore.id]);
    expect(ids(byWildcard)).toEqual([percent.id]);
    expect(ids(byBackslash)).toEqual([backslash.id]);
  });

  it('ignores a blank search', async () => {
    await createLater({ name: 'one' });
    await createLater({ name: 'two' });

    const response = await list('?search=%20%20');

    expect(response.json().total).toBe(2);
  });

  it('filters by status, and combines the filter with search and pages', async () => {
    const draft = await createLater({ name: 'draft agent' });
    const published = await createLater({ name: 'published agent' });
    const stopped = await createLater({ name: 'stopped agent' });
    const alsoPublished = await createLater({ name: 'another live one' });
    await request('POST', `/${published.id}/deploy`, user);
    await request('POST', `/${alsoPublished.id}/deploy`, user);
    await request('POST', `/${stopped.id}/deploy`, user);
    await request('POST', `/${stopped.id}/stop`, user);

    const drafts = await list('?status=draft');
    const live = await list('?status=published');
    const halted = await list('?status=stopped');
    const liveAgents = await list('?status=published&search=agent');
    const livePage = await list('?status=published&page_size=1&page=2');

    expect(ids(drafts)).toEqual([draft.id]);
    expect(live.json().total).toBe(2);
    expect(ids(live).sort()).toEqual([published.id, alsoPublished.id].sort());
    expect(ids(halted)).toEqual([stopped.id]);
    expect(ids(liveAgents)).toEqual([published.id]);
    expect(livePage.json()).toMatchObject({ total: 2, page: 2, page_size: 1, items: [expect.any(Object)] });
  });

  it("lists only the caller's agents", async () => {
    const other = await createUser(testApp);
    const mine = await createLater({ name: 'shared words' });
    await createExample({ name: 'shared words' }, other);
    await createExample({ name: 'shared words too' }, other);

    const all = await list('');
    const searched = await list('?search=shared');
    const theirs = await request('GET', '', other);

    expect(all.json()).toMatchObject({ total: 1, items: [{ id: mine.id, owner_id: user.id }] });
    expect(searched.json()).toMatchObject({ total: 1, items: [{ id: mine.id }] });
    expect(theirs.json().total).toBe(2);
    expect(theirs.json().items.every((item: AgentResponse) => item.owner_id === other.id)).toBe(true);
  });

  it.each([
    ['page_size=0', 'querystring.page_size'],
    ['page_size=101', 'querystring.page_size'],
    ['page=0', 'querystring.page'],
    ['page=abc', 'querystring.page'],
    ['status=archived', 'querystring.status'],
    [`search=${'x'.repeat(201)}`, 'querystring.search'],
  ])('answers 422 for %s', async (query, field) => {
    const response = await list(`?${query}`);

    expectValidationError(response, field);
  });
});

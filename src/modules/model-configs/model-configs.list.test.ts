import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import { configCreator, mainChat, request, testApp, user, useAppPerTest } from './model-configs.test-helpers.js';

/** GET /api/v1/model-configs: pages, filters, search, and only the caller's configs. */
useAppPerTest();
const createConfig = configCreator({ ...mainChat, api_key: 'sk-list-key-0000111122223333' });

function list(query: string) {
  return request('GET', query, user);
}

function ids(response: { json(): { items: Array<{ id: string }> } }): string[] {
  return response.json().items.map((item) => item.id);
}

describe('GET /api/v1/model-configs', () => {
  it('pages with {items, total, page, page_size}, newest first', async () => {
    const first = await createConfig({ name: 'first' });
    const second = await createConfig({ name: 'second' });
    const third = await createConfig({ name: 'third' });

    const pageOne = await list('?page_size=2');
    const pageTwo = await list('?page_size=2&page=2');
    const pageThree = await list('?page_size=2&page=3');

    expect(pageOne.statusCode).toBe(200);
    expect(pageOne.json()).toEqual({ items: [expect.any(Object), expect.any(Object)], total: 3, page: 1, page_size: 2 });
    expect(ids(pageOne)).toEqual([third.id, second.id]);
    expect(ids(pageTwo)).toEqual([first.id]);
    expect(pageThree.json()).toEqual({ items: [], total: 3, page: 3, page_size: 2 });
  });

  it('defaults to page 1 of 20, and accepts page_size 100', async () => {
    await createConfig();

    const byDefault = await list('');
    const largest = await list('?page_size=100');

    expect(byDefault.json()).toMatchObject({ total: 1, page: 1, page_size: 20 });
    expect(largest.statusCode).toBe(200);
    expect(largest.json()).toMatchObject({ total: 1, page: 1, page_size: 100 });
  });

  it('lists defaults before the rest', async () => {
    const preferred = await createConfig({ name: 'preferred', is_default: true });
    const newer = await createConfig({ name: 'newer' });

    const response = await list('');

    expect(ids(response)).toEqual([preferred.id, newer.id]);
  });

  it.each([
    ['page_size=0', 'querystring.page_size'],
    ['page_size=101', 'querystring.page_size'],
    ['page=0', 'querystring.page'],
    ['kind=vision', 'querystring.kind'],
    ['provider=openrouter', 'querystring.provider'],
  ])('answers 422 for %s', async (query, field) => {
    const response = await list(`?${query}`);

    expect(response.statusCode).toBe(422);
    expect(response.json().error).toBe('VALIDATION_ERROR');
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
  });

  it('filters by kind and by provider', async () => {
    const chat = await createConfig({ name: 'chat' });
    const embedding = await createConfig({ name: 'embedding', kind: 'embedding' });
    const local = await createConfig({ name: 'local', provider: 'ollama', base_url: undefined, api_key: undefined });

    const byKind = await list('?kind=embedding');
    const byProvider = await list('?provider=ollama');
    const both = await list('?provider=openai-compatible&kind=chat');

    expect(ids(byKind)).toEqual([embedding.id]);
    expect(byKind.json().total).toBe(1);
    expect(ids(byProvider)).toEqual([local.id]);
    expect(ids(both)).toEqual([chat.id]);
  });

  it('searches name and model_name without regard to letter case', async () => {
    const byName = await createConfig({ name: 'PRODUCTION Chat', model_name: 'alpha' });
    const byModel = await createConfig({ name: 'other', model_name: 'Production-Model' });
    await createConfig({ name: 'staging', model_name: 'beta' });

    const response = await list('?search=production');

    expect(response.json().total).toBe(2);
    expect(ids(response).sort()).toEqual([byName.id, byModel.id].sort());
  });

  it('treats %, _ and \\ in the search as literal characters', async () => {
    const percent = await createConfig({ name: 'cheap 100% model' });
    const underscore = await createConfig({ name: 'gpt_4 proxy' });
    const backslash = await createConfig({ name: 'C:\\models\\gpt' });
    await createConfig({ name: 'gpt-4 proxy 1000 tokens' });

    const byPercent = await list(`?search=${encodeURIComponent('100%')}`);
    const byUnderscore = await list('?search=gpt_4');
    const byWildcard = await list(`?search=${encodeURIComponent('%')}`);
    const byBackslash = await list(`?search=${encodeURIComponent('\\m')}`);

    expect(ids(byPercent)).toEqual([percent.id]);
    expect(ids(byUnderscore)).toEqual([underscore.id]);
    expect(ids(byWildcard)).toEqual([percent.id]);
    expect(ids(byBackslash)).toEqual([backslash.id]);
  });

  it("lists only the caller's configs", async () => {
    const other = await createUser(testApp);
    const mine = await createConfig({ name: 'shared words' });
    await createConfig({ name: 'shared words' }, other);
    await createConfig({ name: 'shared words', kind: 'embedding' }, other);

    const response = await list('?search=shared');

    expect(response.json()).toMatchObject({ total: 1, items: [{ id: mine.id }] });
  });
});

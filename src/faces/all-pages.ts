import type { Page, PageQuery } from '../platform/pagination.js';

/** The page size the walk asks for: the largest a platform list takes. */
const pageSize = 100;

/**
 * Every item of one of the platform's paged lists, page after page: the compatible faces answer
 * whole lists (AgentOS' agents, teams, workflows; OpenAI's models) where the platform pages.
 */
export async function allPages<Item>(fetchPage: (query: PageQuery) => Promise<Page<Item>>): Promise<Item[]> {
  const items: Item[] = [];
  for (let page = 1; ; page += 1) {
    const result = await fetchPage({ page, page_size: pageSize });
    items.push(...result.items);
    if (page * pageSize >= result.total) return items;
  }
}

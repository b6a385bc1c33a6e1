/** The page a list request asks for, as every list endpoint takes it. */
export interface PageQuery {
  page: number;
  page_size: number;
}

/** One page of a list, in the API's shape. */
export interface Page<Item> {
  items: Item[];
  total: number;
  page: number;
  page_size: number;
}

/** The rows to skip and take for `query`. */
export function pageWindow(query: PageQuery): { offset: number; limit: number } {
  return { offset: (query.page - 1) * query.page_size, limit: query.page_size };
}

/** Wraps one page of rows and the total count into the API's list shape. */
export function pageOf<Row, Item>(query: PageQuery, result: { rows: Row[]; total: number }, toItem: (row: Row) => Item): Page<Item> {
  return { items: result.rows.map(toItem), total: result.total, page: query.page, page_size: query.page_size };
}

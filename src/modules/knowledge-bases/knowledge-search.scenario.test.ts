import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { buildTestApp } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { addDocument, createKnowledgeBase, waitForIngestion } from '../../test-kit/knowledge.js';

/**
 * Hybrid ranking on a small labelled set: each query has one relevant document. Keyword-only
 * misses a query that shares only word pieces with its document ("connectivity" / "connecting");
 * vector-only misses one where a short text full of look-alike words ("portal", "portable")
 * outranks the long document holding the exact word ("ports"). Fusing both ranks finds them all.
 */
const corpus: Record<string, string> = {
  'vpn.md': 'Connecting to the company VPN: install the client, then sign in with your SSO account.',
  'expenses.md': 'Expense reports are submitted monthly; receipts above 50 EUR must be attached.',
  'laptop.md': 'Laptops are replaced every three years. Request a replacement through the IT portal.',
  'holidays.md': 'Employees receive 25 paid holidays per year, plus public holidays.',
  'error-e4471.md': 'Error E4471 means the badge reader lost its network link; power-cycle the reader.',
  'printers.md': 'Printing on the third floor printers requires badge release at the device.',
  'parking.md': 'Parking permits are issued by facilities; electric vehicles charge for free.',
  'onboarding.md': 'New hires configure their accounts on the first day with the onboarding buddy.',
  '报销.md': '差旅报销需要在出差结束后十五天内提交，并附上发票原件。',
  '年假.md': '员工每年享有二十五天带薪年假，未休年假可以顺延到次年第一季度。',
  '门禁.md': '门禁卡丢失后请立即到前台挂失，并补办新的门禁卡。',
  'firewall.md':
    'The office network has two uplinks behind the firewall. Only ports 443 and 8443 are open; everything else, ' +
    'including remote desktop and database connections, goes through the bastion host after review by security.',
  'portraits.md': 'Portal portraits: the portable portrait portion of the report portfolio.',
};

const labelled: Array<{ query: string; relevant: string }> = [
  { query: 'how do I connect to the VPN', relevant: 'vpn.md' },
  { query: 'submitting expenses and receipts', relevant: 'expenses.md' },
  { query: 'E4471', relevant: 'error-e4471.md' },
  { query: 'replacing my laptop', relevant: 'laptop.md' },
  { query: 'how many paid holidays do employees get', relevant: 'holidays.md' },
  { query: 'configuring accounts for new hires', relevant: 'onboarding.md' },
  { query: 'where can electric vehicles charge', relevant: 'parking.md' },
  { query: '出差报销的期限', relevant: '报销.md' },
  { query: '年假可以顺延吗', relevant: '年假.md' },
  { query: '门禁卡丢了怎么办', relevant: '门禁.md' },
  { query: 'connectivity problems', relevant: 'vpn.md' },
  { query: 'ports', relevant: 'firewall.md' },
];

let testApp: TestApp;
let user: TestUser;
let baseId: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  user = await createUser(testApp);
  baseId = (await createKnowledgeBase(testApp, user, { name: 'Labelled' })).id;
  for (const [name, text] of Object.entries(corpus)) {
    const document = await addDocument(testApp, user, baseId, { source: 'text', name, text, format: 'markdown' });
    await waitForIngestion(testApp, user, baseId, document.id);
  }
});

afterAll(async () => {
  await testApp.close();
});

async function topNames(query: string, hybridWeight: number): Promise<string[]> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/api/v1/knowledge-bases/${baseId}/search`,
    headers: user.headers,
    payload: { query, hybrid_weight: hybridWeight, top_k: 3 },
  });
  return response.json().items.map((item: { document_name: string }) => item.document_name);
}

async function hitsAtOne(hybridWeight: number): Promise<number> {
  let hits = 0;
  for (const { query, relevant } of labelled) if ((await topNames(query, hybridWeight))[0] === relevant) hits += 1;
  return hits;
}

describe('hybrid search on a labelled set', () => {
  it('ranks the relevant document first for every query with the default fusion', async () => {
    const misses: string[] = [];
    for (const { query, relevant } of labelled) {
      const names = await topNames(query, 0.7);
      if (names[0] !== relevant) misses.push(`${query} -> ${names.join(', ')}`);
    }
    expect(misses).toEqual([]);
  });

  it('finds every relevant document fused, where either ranking alone misses one', async () => {
    const fused = await hitsAtOne(0.7);
    const vectorOnly = await hitsAtOne(1);
    const keywordOnly = await hitsAtOne(0);

    expect(fused).toBe(labelled.length);
    expect(vectorOnly).toBeLessThan(labelled.length);
    expect(keywordOnly).toBeLessThan(labelled.length);
  });

  it('finds inflected words only through vectors, and applies the score threshold to vector hits', async () => {
    const keywordOnly = await topNames('connectivity', 0);
    const vectorOnly = await topNames('connectivity', 1);
    const strict = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/knowledge-bases/${baseId}/search`,
      headers: user.headers,
      payload: { query: 'connectivity', hybrid_weight: 1, score_threshold: 0.99 },
    });

    expect(keywordOnly).toEqual([]);
    expect(vectorOnly[0]).toBe('vpn.md');
    expect(strict.json().items).toEqual([]);
  });
});

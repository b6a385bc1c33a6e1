import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, type TestUser } from '../../test-kit/factories.js';
import { startUpstream } from '../../test-kit/http-upstream.js';
import { addDocumentsAndWait, createKnowledgeBase } from '../../test-kit/knowledge.js';
import type { RecordedRequest } from '../../test-kit/model-server/index.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/**
 * Every built-in template, created through POST /workflows/templates/{id}/create and executed as
 * created: its model nodes reach the caller's default model (the scripted model server), and the
 * tests check what each prompt sent as well as the workflow output.
 */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
let defaultModelId: string;

useAppPerTest(async (app, owner) => {
  testApp = app;
  user = owner;
  defaultModelId = (await createModelConfig(app, owner, { base_url: server.baseUrl, is_default: true })).id;
});

function post(url: string, payload?: object) {
  return testApp.app.inject({ method: 'POST', url, headers: user.headers, ...(payload ? { payload } : {}) });
}

async function createFromTemplate(templateId: string): Promise<string> {
  const response = await post(`/api/v1/workflows/templates/${templateId}/create`);
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

/** Creates a workflow from the template and executes it synchronously with `input`. */
async function run(templateId: string, input: Record<string, unknown>) {
  const workflowId = await createFromTemplate(templateId);
  const response = await post(`/api/v1/workflows/${workflowId}/execute`, { input });
  return response.json();
}

async function waitForStatus(id: string, statuses: string[]) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const execution = (await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: user.headers })).json();
    if (statuses.includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`execution ${id} never reached ${statuses.join('/')}`);
}

/** The chat requests the model server received, oldest first. */
const chatRequests = () => server.requests.filter((request) => request.path === '/v1/chat/completions');
const message = (request: RecordedRequest, role: string) => request.body?.messages?.find((entry) => entry.role === role)?.['content'];
const statuses = (execution: { steps: Array<{ node_id: string; status: string }> }) =>
  Object.fromEntries(execution.steps.map((step) => [step.node_id, step.status]));

describe('workflow templates, executed as created', () => {
  it('summarizer: summarizes with the default model and the default word limit', async () => {
    server.enqueue({ text: 'Rivers carve valleys.' });

    const execution = await run('summarizer', { text: 'A long essay on how rivers shape the land.' });

    expect(execution).toMatchObject({ status: 'succeeded', output: { summary: 'Rivers carve valleys.' } });
    const [request] = chatRequests();
    expect(chatRequests()).toHaveLength(1);
    expect(request!.body!.model).toBe('test-chat-model');
    expect(message(request!, 'system')).toContain('concise summaries');
    expect(message(request!, 'user')).toBe('Summarize the following text in at most 120 words.\n\nText:\nA long essay on how rivers shape the land.');
  });

  it('rag-qa: retrieves from the knowledge base and asks for [n] citations over the numbered passages', async () => {
    const base = await createKnowledgeBase(testApp, user);
    await addDocumentsAndWait(testApp, user, base.id, [
      { source: 'text', name: 'returns.txt', text: 'Customers may return a product within 30 days of delivery for a refund.' },
      { source: 'text', name: 'ferry.txt', text: 'The ferry to the island runs hourly.' },
    ]);
    server.enqueue({ text: 'You have 30 days [1].' });

    const execution = await run('rag-qa', { question: 'How many days do customers have to return a product?', knowledge_base_ids: [base.id] });

    expect(execution).toMatchObject({ status: 'succeeded', output: { answer: 'You have 30 days [1].' } });
    expect(execution.output.sources[0].content).toContain('within 30 days');
    const prompt = message(chatRequests()[0]!, 'user');
    expect(prompt).toContain('[1] Customers may return a product within 30 days');
    expect(prompt).toContain('Question: How many days do customers have to return a product?');
    expect(message(chatRequests()[0]!, 'system')).toContain('[1]');
  });

  it('classifier-router: takes the branch of the class the model picked and skips the others', async () => {
    server.enqueue({ text: JSON.stringify({ class_id: 'technical', reason: 'A crash' }) }, { text: '1. Restart the app.' });

    const execution = await run('classifier-router', { message: 'The app crashes when I open it.' });

    expect(execution).toMatchObject({ status: 'succeeded', output: { category: 'technical', reply: '1. Restart the app.' } });
    expect(statuses(execution)).toMatchObject({ billing: 'skipped', technical: 'succeeded', other: 'skipped', reply: 'succeeded' });
    expect(message(chatRequests()[0]!, 'system')).toContain('id: billing');
    expect(message(chatRequests()[1]!, 'system')).toContain('technical support engineer');
  });

  it('translation-pipeline: translates into the default language, then reviews the draft against the original', async () => {
    server.enqueue({ text: 'Hello, thanks for you order.' }, { text: 'Hello, thank you for your order.' });

    const execution = await run('translation-pipeline', { text: 'Bonjour, merci pour votre commande.' });

    expect(execution).toMatchObject({
      status: 'succeeded',
      output: { translation: 'Hello, thank you for your order.', draft: 'Hello, thanks for you order.' },
    });
    expect(message(chatRequests()[0]!, 'user')).toContain('into English');
    expect(message(chatRequests()[1]!, 'user')).toContain('Original:\nBonjour, merci pour votre commande.\n\nTranslation:\nHello, thanks for you order.');
  });

  it('web-page-digest: fetches the page and hands its raw HTML to the model', async () => {
    const upstream = await startUpstream((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body><h1>Ferry times</h1><p>Hourly from 7am.</p></body></html>');
    });
    try {
      server.enqueue({ text: 'Ferry times: hourly from 7am.' });

      const execution = await run('web-page-digest', { url: `http://127.0.0.1:${upstream.port}/ferry` });

      expect(execution).toMatchObject({ status: 'succeeded', output: { digest: 'Ferry times: hourly from 7am.', status: 200 } });
      expect(upstream.received.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /ferry']);
      const prompt = message(chatRequests()[0]!, 'user');
      expect(prompt).toContain('raw HTML');
      expect(prompt).toContain('<h1>Ferry times</h1>');
    } finally {
      await upstream.close();
    }
  });

  it('extract-json: answers the extracted fields as JSON and lists the ones not found', async () => {
    const answer = { name: 'Ada Lovelace', email: 'ada@engines.example', phone: null, company: 'Analytical Engines Ltd', amount: 12500, currency: 'EUR' };
    server.enqueue({ text: JSON.stringify(answer) });

    const execution = await run('extract-json', { text: 'Ada Lovelace, Analytical Engines Ltd (ada@engines.example), EUR 12,500.' });

    expect(execution).toMatchObject({ status: 'succeeded', output: { data: answer, missing: ['phone'] } });
    expect(message(chatRequests()[0]!, 'user')).toBe('Ada Lovelace, Analytical Engines Ltd (ada@engines.example), EUR 12,500.');
  });

  it.each([
    [{ decision: 'approved' }, { decision: 'approved', result: 'Approved: Dear customer, we can offer 10%.' }],
    [{ decision: 'rejected', comment: 'Too generous' }, { decision: 'rejected', result: 'Rejected: the draft was not released. Reviewer comment: Too generous' }],
  ])('approval-flow: waits for a person with the draft, then follows %o', async (decision, output) => {
    server.enqueue({ text: 'Dear customer, we can offer 10%.' });

    const waiting = await run('approval-flow', { request: 'A 20% discount, please.' });
    const resumed = await post(`/api/v1/executions/${waiting.id}/resume`, decision);
    const done = await waitForStatus(waiting.id, ['succeeded', 'failed']);

    expect(waiting).toMatchObject({ status: 'waiting_approval', waiting: { node_id: 'review', request: { title: 'Approve the drafted response?' } } });
    expect(waiting.waiting.request.description).toContain('Draft:\nDear customer, we can offer 10%.');
    expect(resumed.statusCode).toBe(202);
    expect(done).toMatchObject({ status: 'succeeded', output });
  });

  it('multi-agent-review: the writer drafts, the reviewer reviews the draft, a model merges both', async () => {
    const writer = await createAgent(testApp, user, { name: 'Writer', system_prompt: 'You are a writer.', model_config_id: defaultModelId });
    const reviewer = await createAgent(testApp, user, { name: 'Reviewer', system_prompt: 'You are a reviewer.', model_config_id: defaultModelId });
    server.enqueue({ text: 'Draft: design docs help.' }, { text: 'Add an example.' }, { text: 'Design docs help, for example ...' });

    const execution = await run('multi-agent-review', { topic: 'design docs', writer_agent_id: writer.id, reviewer_agent_id: reviewer.id });

    expect(execution).toMatchObject({
      status: 'succeeded',
      output: { final: 'Design docs help, for example ...', draft: 'Draft: design docs help.', review: 'Add an example.' },
    });
    const [write, review, merge] = chatRequests();
    expect(message(write!, 'system')).toContain('You are a writer.');
    expect(message(review!, 'system')).toContain('You are a reviewer.');
    expect(JSON.stringify(review!.body!.messages)).toContain('Draft: design docs help.');
    expect(message(merge!, 'user')).toContain('Draft:\nDraft: design docs help.\n\nReview:\nAdd an example.');
  });

  it('batch-iteration: applies the instruction to every item and keeps the item order', async () => {
    server.setDefault((request) => ({ text: `done: ${String(message(request, 'user')).split('Item:\n')[1]}` }));

    const execution = await run('batch-iteration', { items: ['alpha', 'beta', 'gamma'] });

    expect(execution).toMatchObject({ status: 'succeeded', output: { results: ['done: alpha', 'done: beta', 'done: gamma'], count: 3 } });
    expect(chatRequests().map((request) => message(request, 'user'))).toEqual(
      expect.arrayContaining(['Summarize this in one sentence.\n\nItem:\nalpha', 'Summarize this in one sentence.\n\nItem:\ngamma']),
    );
  });
});

/**
 * The built-in workflow templates, as data: each is a complete, valid graph of built-in node types
 * that a user copies into a workflow of their own (POST /workflows/templates/{id}/create). Model
 * nodes name no model_config_id, so a created workflow runs on its owner's default model.
 */
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from '../../engine/workflow/definition.js';

/** The categories templates are filed under (the `category` filter of the list). */
export const TEMPLATE_CATEGORIES = ['knowledge', 'text', 'routing', 'integration', 'extraction', 'approval', 'agents', 'batch'] as const;

/** One template category. */
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** A built-in workflow template. */
export interface WorkflowTemplate {
  /** Kebab-case slug, stable: clients and docs refer to it. */
  id: string;
  name: string;
  description: string;
  category: TemplateCategory;
  tags: string[];
  /** An execution input the start node accepts, to show what the workflow expects. */
  inputs_example: Record<string, unknown>;
  graph: WorkflowGraph;
  environment?: Record<string, string>;
}

/** A node laid out on the canvas grid: `column` left to right, `row` top to bottom. */
function node(id: string, type: string, label: string, config: Record<string, unknown>, [column, row]: [number, number]): WorkflowNode {
  return { id, type, label, config, position: { x: column * 280, y: row * 160 } };
}

/** An edge, taking branch `handle` of a branching source when given. */
function edge(source: string, target: string, handle?: string): WorkflowEdge {
  return { id: `${source}-${target}`, source, target, ...(handle === undefined ? {} : { source_handle: handle }) };
}

/** A straight line of nodes, each feeding the next. */
function chain(...ids: string[]): WorkflowEdge[] {
  return ids.slice(1).map((target, index) => edge(ids[index]!, target));
}

const ragQa: WorkflowTemplate = {
  id: 'rag-qa',
  name: 'RAG Q&A',
  description: 'Answers a question from your knowledge bases, citing the passages it used as [1], [2] ...',
  category: 'knowledge',
  tags: ['rag', 'knowledge-base', 'qa', 'citations'],
  inputs_example: {
    question: 'How many days do customers have to return a product?',
    knowledge_base_ids: ['0190a000-0000-7000-8000-000000000001'],
  },
  graph: {
    nodes: [
      node('start', 'start', 'Question', {
        inputs: [
          { name: 'question', type: 'string', required: true, description: 'What to answer' },
          { name: 'knowledge_base_ids', type: 'array', required: true, description: 'Ids of the knowledge bases to search' },
        ],
      }, [0, 0]),
      node('retrieve', 'knowledge_retrieval', 'Search the knowledge bases', {
        knowledge_base_ids: '{{start.input.knowledge_base_ids}}',
        query: '{{start.input.question}}',
        top_k: 5,
      }, [1, 0]),
      node('answer', 'llm', 'Answer with citations', {
        system:
          'You answer questions using only the numbered passages you are given. Cite every statement with the number ' +
          'of its passage in square brackets, e.g. [1] or [2][3]. If the passages do not contain the answer, say that ' +
          'you do not know instead of guessing.',
        prompt: 'Passages:\n{{retrieve.output.context}}\n\nQuestion: {{start.input.question}}\n\nAnswer with [n] citations:',
        temperature: 0.2,
      }, [2, 0]),
      node('end', 'end', 'Answer', { outputs: { answer: '{{answer.output.text}}', sources: '{{retrieve.output.results}}' } }, [3, 0]),
    ],
    edges: chain('start', 'retrieve', 'answer', 'end'),
  },
};

const summarizer: WorkflowTemplate = {
  id: 'summarizer',
  name: 'Summarizer',
  description: 'Summarizes a text in at most the given number of words.',
  category: 'text',
  tags: ['summary', 'llm'],
  inputs_example: { text: 'Paste an article, a report or meeting notes here.', max_words: 100 },
  graph: {
    nodes: [
      node('start', 'start', 'Text', {
        inputs: [
          { name: 'text', type: 'string', required: true, description: 'The text to summarize' },
          { name: 'max_words', type: 'integer', default: 120, description: 'The longest summary, in words' },
        ],
      }, [0, 0]),
      node('summarize', 'llm', 'Summarize', {
        system: 'You write faithful, concise summaries. Keep the key facts, figures and conclusions; add nothing that is not in the text.',
        prompt: 'Summarize the following text in at most {{start.input.max_words}} words.\n\nText:\n{{start.input.text}}',
        temperature: 0.3,
      }, [1, 0]),
      node('end', 'end', 'Summary', { outputs: { summary: '{{summarize.output.text}}' } }, [2, 0]),
    ],
    edges: chain('start', 'summarize', 'end'),
  },
};

const classifierRouter: WorkflowTemplate = {
  id: 'classifier-router',
  name: 'Support request router',
  description: 'Sorts a customer message into billing, technical or other and answers it the way that kind of request needs.',
  category: 'routing',
  tags: ['classification', 'routing', 'support', 'branches'],
  inputs_example: { message: 'I was charged twice for my subscription this month.' },
  graph: {
    nodes: [
      node('start', 'start', 'Message', { inputs: [{ name: 'message', type: 'string', required: true, description: "The customer's message" }] }, [0, 1]),
      node('classify', 'question_classifier', 'Classify', {
        query: '{{start.input.message}}',
        classes: [
          { id: 'billing', name: 'Billing', description: 'Invoices, payments, refunds, prices, subscriptions' },
          { id: 'technical', name: 'Technical', description: 'Errors, bugs, setup, how to use the product' },
          { id: 'other', name: 'Other', description: 'Anything else' },
        ],
      }, [1, 1]),
      node('billing', 'llm', 'Billing answer', {
        system: 'You are a friendly billing support agent. Never promise a refund; explain the next step and what the customer should send.',
        prompt: 'Customer message:\n{{start.input.message}}\n\nWrite a short reply.',
      }, [2, 0]),
      node('technical', 'llm', 'Technical answer', {
        system: 'You are a patient technical support engineer. Suggest concrete troubleshooting steps, most likely fix first.',
        prompt: 'Customer message:\n{{start.input.message}}\n\nWrite a short reply with numbered steps.',
      }, [2, 1]),
      node('other', 'template', 'Hand over', {
        template: 'Thank you for your message. We have passed it on to our team, who will get back to you shortly.',
      }, [2, 2]),
      node('reply', 'variable_aggregator', 'Pick the reply', {
        variables: ['{{billing.output.text}}', '{{technical.output.text}}', '{{other.output.text}}'],
      }, [3, 1]),
      node('end', 'end', 'Reply', { outputs: { category: '{{classify.output.class_id}}', reply: '{{reply.output.value}}' } }, [4, 1]),
    ],
    edges: [
      edge('start', 'classify'),
      edge('classify', 'billing', 'billing'),
      edge('classify', 'technical', 'technical'),
      edge('classify', 'other', 'other'),
      edge('billing', 'reply'),
      edge('technical', 'reply'),
      edge('other', 'reply'),
      edge('reply', 'end'),
    ],
  },
};

const translationPipeline: WorkflowTemplate = {
  id: 'translation-pipeline',
  name: 'Translation with review',
  description: 'Translates a text, then has a second pass review the translation against the original and polish it.',
  category: 'text',
  tags: ['translation', 'review', 'llm'],
  inputs_example: { text: 'Bonjour, merci pour votre commande.', target_language: 'English' },
  graph: {
    nodes: [
      node('start', 'start', 'Text', {
        inputs: [
          { name: 'text', type: 'string', required: true, description: 'The text to translate' },
          { name: 'target_language', type: 'string', default: 'English', description: 'The language to translate into' },
        ],
      }, [0, 0]),
      node('translate', 'llm', 'Translate', {
        system: 'You are a professional translator. Answer with the translation only.',
        prompt: 'Translate the following text into {{start.input.target_language}}, keeping its meaning, tone and formatting.\n\n{{start.input.text}}',
        temperature: 0.2,
      }, [1, 0]),
      node('polish', 'llm', 'Review and polish', {
        system: 'You are a meticulous editor and native speaker of the target language. Answer with the final translation only.',
        prompt:
          'Review this {{start.input.target_language}} translation against the original. Fix mistranslations and omissions, ' +
          'then make it read naturally.\n\nOriginal:\n{{start.input.text}}\n\nTranslation:\n{{translate.output.text}}',
        temperature: 0.2,
      }, [2, 0]),
      node('end', 'end', 'Translation', { outputs: { translation: '{{polish.output.text}}', draft: '{{translate.output.text}}' } }, [3, 0]),
    ],
    edges: chain('start', 'translate', 'polish', 'end'),
  },
};

const webPageDigest: WorkflowTemplate = {
  id: 'web-page-digest',
  name: 'Web page digest',
  description: 'Fetches a web page and writes a digest of it: title, key points and a one-sentence summary.',
  category: 'integration',
  tags: ['http', 'web', 'summary'],
  inputs_example: { url: 'https://example.com/' },
  graph: {
    nodes: [
      node('start', 'start', 'URL', { inputs: [{ name: 'url', type: 'string', required: true, description: 'An http or https URL' }] }, [0, 0]),
      node('fetch', 'http', 'Fetch the page', {
        method: 'GET',
        url: '{{start.input.url}}',
        headers: { accept: 'text/html,text/plain;q=0.9,*/*;q=0.5' },
        timeout_ms: 20_000,
        fail_on_error_status: true,
      }, [1, 0]),
      node('digest', 'llm', 'Write the digest', {
        system: 'You write short, factual digests of web pages.',
        prompt:
          'Below is the raw HTML of {{start.input.url}}: markup, scripts, styles and navigation included. Ignore all of ' +
          'that and read only the visible content. Write a digest with the page title, 3 to 5 key points as a list, and ' +
          'a one-sentence summary.\n\nRaw HTML:\n{{fetch.output.body}}',
        temperature: 0.3,
      }, [2, 0]),
      node('end', 'end', 'Digest', { outputs: { digest: '{{digest.output.text}}', status: '{{fetch.output.status}}' } }, [3, 0]),
    ],
    edges: chain('start', 'fetch', 'digest', 'end'),
  },
};

const extractJson: WorkflowTemplate = {
  id: 'extract-json',
  name: 'Extract contact and deal data',
  description: 'Pulls structured fields (name, email, company, amount ...) out of free text such as an email, as typed JSON.',
  category: 'extraction',
  tags: ['extraction', 'json', 'structured-output'],
  inputs_example: { text: 'Hi, this is Ada Lovelace from Analytical Engines Ltd (ada@engines.example). We would like to order for EUR 12,500.' },
  graph: {
    nodes: [
      node('start', 'start', 'Text', { inputs: [{ name: 'text', type: 'string', required: true, description: 'The text to extract from' }] }, [0, 0]),
      node('extract', 'parameter_extractor', 'Extract fields', {
        query: '{{start.input.text}}',
        parameters: [
          { name: 'name', type: 'string', description: 'Full name of the person writing' },
          { name: 'email', type: 'string', description: 'Email address' },
          { name: 'phone', type: 'string', description: 'Phone number, as written' },
          { name: 'company', type: 'string', description: 'Company or organisation' },
          { name: 'amount', type: 'number', description: 'Money amount mentioned, as a plain number (12500, not "12,500")' },
          { name: 'currency', type: 'string', description: 'ISO 4217 code of the amount, e.g. EUR or USD' },
        ],
        instructions: 'Copy values as they appear in the text; do not infer an email or phone number that is not written.',
      }, [1, 0]),
      node('end', 'end', 'Data', {
        outputs: {
          data: {
            name: '{{extract.output.name}}',
            email: '{{extract.output.email}}',
            phone: '{{extract.output.phone}}',
            company: '{{extract.output.company}}',
            amount: '{{extract.output.amount}}',
            currency: '{{extract.output.currency}}',
          },
          missing: '{{extract.output.__missing}}',
        },
      }, [2, 0]),
    ],
    edges: chain('start', 'extract', 'end'),
  },
};

const approvalFlow: WorkflowTemplate = {
  id: 'approval-flow',
  name: 'Draft and approve',
  description: 'Drafts a response to a request, then waits for a person to approve or reject it before it is released.',
  category: 'approval',
  tags: ['human-in-the-loop', 'approval', 'branches'],
  inputs_example: { request: 'A customer asks for a 20% discount on a three-year contract.' },
  graph: {
    nodes: [
      node('start', 'start', 'Request', { inputs: [{ name: 'request', type: 'string', required: true, description: 'What to draft a response to' }] }, [0, 0]),
      node('draft', 'llm', 'Draft', {
        system: 'You draft clear, professional responses for a person to review. Keep it under 200 words.',
        prompt: 'Draft a response to this request:\n\n{{start.input.request}}',
      }, [1, 0]),
      node('review', 'human_approval', 'Review the draft', {
        title: 'Approve the drafted response?',
        description: 'Request:\n{{start.input.request}}\n\nDraft:\n{{draft.output.text}}',
        options: ['approved', 'rejected'],
      }, [2, 0]),
      node('approved', 'template', 'Release', { template: 'Approved: {{draft.output.text}}' }, [3, 0]),
      node('rejected', 'template', 'Report the rejection', {
        template: 'Rejected: the draft was not released.{{#review.output.comment}} Reviewer comment: {{review.output.comment}}{{/review.output.comment}}',
      }, [3, 1]),
      node('end_approved', 'end', 'Released', { outputs: { decision: 'approved', result: '{{approved.output.text}}' } }, [4, 0]),
      node('end_rejected', 'end', 'Not released', { outputs: { decision: 'rejected', result: '{{rejected.output.text}}' } }, [4, 1]),
    ],
    edges: [
      ...chain('start', 'draft', 'review'),
      edge('review', 'approved', 'approved'),
      edge('review', 'rejected', 'rejected'),
      edge('approved', 'end_approved'),
      edge('rejected', 'end_rejected'),
    ],
  },
};

const multiAgentReview: WorkflowTemplate = {
  id: 'multi-agent-review',
  name: 'Writer and reviewer agents',
  description: 'One of your agents writes a draft, a second one reviews it, and a final model pass merges the review into the draft.',
  category: 'agents',
  tags: ['agents', 'multi-agent', 'review', 'writing'],
  inputs_example: {
    topic: 'Why small teams should write design docs',
    writer_agent_id: '0190a000-0000-7000-8000-000000000002',
    reviewer_agent_id: '0190a000-0000-7000-8000-000000000003',
  },
  graph: {
    nodes: [
      node('start', 'start', 'Topic', {
        inputs: [
          { name: 'topic', type: 'string', required: true, description: 'What to write about' },
          { name: 'writer_agent_id', type: 'string', required: true, description: 'Id of the agent that writes the draft' },
          { name: 'reviewer_agent_id', type: 'string', required: true, description: 'Id of the agent that reviews it' },
        ],
      }, [0, 0]),
      node('write', 'agent', 'Writer drafts', {
        agent_id: '{{start.input.writer_agent_id}}',
        message: 'Write a well-structured draft about: {{start.input.topic}}',
      }, [1, 0]),
      node('review', 'agent', 'Reviewer reviews', {
        agent_id: '{{start.input.reviewer_agent_id}}',
        message:
          'Review this draft about "{{start.input.topic}}". List its factual errors, gaps and unclear passages, each with a ' +
          'concrete suggestion. Do not rewrite it.\n\nDraft:\n{{write.output.content}}',
      }, [2, 0]),
      node('merge', 'llm', 'Merge the review', {
        system: 'You are an editor. Answer with the revised text only.',
        prompt:
          'Revise the draft, applying every review point you agree with.\n\nDraft:\n{{write.output.content}}\n\nReview:\n{{review.output.content}}',
      }, [3, 0]),
      node('end', 'end', 'Final text', {
        outputs: { final: '{{merge.output.text}}', draft: '{{write.output.content}}', review: '{{review.output.content}}' },
      }, [4, 0]),
    ],
    edges: chain('start', 'write', 'review', 'merge', 'end'),
  },
};

const batchIteration: WorkflowTemplate = {
  id: 'batch-iteration',
  name: 'Batch processing',
  description: 'Applies one instruction to every item of a list with a model, four items at a time, and returns the results in order.',
  category: 'batch',
  tags: ['iteration', 'batch', 'llm'],
  inputs_example: {
    items: ['The delivery was late but the support was great.', 'Terrible packaging, the glass was broken.'],
    instruction: 'Classify the sentiment of this review as positive, negative or mixed.',
  },
  graph: {
    nodes: [
      node('start', 'start', 'Items', {
        inputs: [
          { name: 'items', type: 'array', required: true, description: 'The items to process (text or JSON objects)' },
          { name: 'instruction', type: 'string', default: 'Summarize this in one sentence.', description: 'What to do with each item' },
        ],
      }, [0, 0]),
      // Inside the body {{start.input}} is the item, so the instruction is passed on by an outer node.
      node('instruction', 'template', 'Instruction', { template: '{{start.input.instruction}}' }, [1, 0]),
      node('each', 'iteration', 'For each item', {
        items: '{{start.input.items}}',
        parallelism: 4,
        max_iterations: 100,
        output: 'text',
        body: {
          nodes: [
            node('process', 'llm', 'Process one item', {
              prompt: '{{instruction.output.text}}\n\nItem:\n{{each.item}}',
              temperature: 0.2,
            }, [0, 0]),
          ],
          edges: [],
        },
      }, [2, 0]),
      node('end', 'end', 'Results', { outputs: { results: '{{each.output.results}}', count: '{{each.output.count}}' } }, [3, 0]),
    ],
    edges: chain('start', 'instruction', 'each', 'end'),
  },
};

/** Every built-in template, in the order the list shows them. */
export const workflowTemplates: readonly WorkflowTemplate[] = [
  ragQa,
  summarizer,
  classifierRouter,
  translationPipeline,
  webPageDigest,
  extractJson,
  approvalFlow,
  multiAgentReview,
  batchIteration,
];

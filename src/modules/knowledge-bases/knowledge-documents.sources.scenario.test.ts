import { describe, expect, it, onTestFinished } from 'vitest';
import { csvFixture, docxFixture, htmlFixture, pdfFixture } from '../../test-kit/document-fixtures.js';
import { startUpstream } from '../../test-kit/http-upstream.js';
import { addDocument, createKnowledgeBase, getKnowledgeBase, searchKnowledgeBase, send, testApp, useKnowledgeApp, user, waitForIngestion, workspace } from '../../test-kit/knowledge.js';

/**
 * Documents from every source through the HTTP API: uploads and texts of every format, parsed and
 * searchable, and URL documents (fetched, re-indexed from the stored text, SSRF-guarded, upstream failures).
 */
describe('knowledge documents (default settings)', () => {
  useKnowledgeApp();

  describe('every format is parsed and searchable', () => {
    const cases = [
      {
        format: 'pdf',
        write: { path: 'uploads/atlas.pdf', bytes: pdfFixture([['Atlas of rivers', 'The Yangtze flows past the quokka sanctuary.'], ['Index']]) },
        query: 'quokka sanctuary',
        expected: 'The Yangtze flows past the quokka sanctuary.',
      },
      {
        format: 'docx',
        write: { path: 'uploads/manual.docx', bytes: docxFixture([{ heading: 1, text: 'Field manual' }, 'Calibrate the theodolite before every survey.']) },
        query: 'theodolite',
        expected: 'Calibrate the theodolite before every survey.',
      },
      {
        format: 'txt',
        write: { path: 'uploads/garden.txt', bytes: Buffer.from('Remember to water the bonsai every Tuesday.\n') },
        query: 'bonsai',
        expected: 'Remember to water the bonsai every Tuesday.',
      },
      {
        format: 'markdown',
        write: { path: 'uploads/brewing.md', bytes: Buffer.from('# Brewing\n\nSteep the oolong for three minutes.\n') },
        query: 'oolong',
        expected: 'Steep the oolong for three minutes.',
      },
      {
        format: 'html',
        write: {
          path: 'uploads/observatory.html',
          bytes: htmlFixture({ title: 'Observatory', sections: [{ heading: 'Telescopes', paragraphs: ['The refractor needs a dew heater in winter.'] }] }),
        },
        query: 'refractor dew heater',
        expected: 'The refractor needs a dew heater in winter.',
      },
      {
        format: 'csv',
        write: { path: 'uploads/instruments.csv', bytes: csvFixture([['instrument', 'tuning'], ['harpsichord', 'baroque pitch']]) },
        query: 'harpsichord',
        expected: 'harpsichord | baroque pitch',
      },
      {
        format: 'json',
        text: { name: 'species.json', text: '{"species":"axolotl","habitat":"Lake Xochimilco"}', format: 'json' },
        query: 'axolotl',
        expected: '"species": "axolotl"',
      },
      {
        format: 'html',
        text: {
          name: 'cable-car.html',
          text: '<html><body><p>The gondola lift closes at dusk.</p><script>var marker = "NOT-CONTENT";</script></body></html>',
          format: 'html',
        },
        query: 'gondola',
        expected: 'The gondola lift closes at dusk.',
      },
      {
        format: 'markdown',
        text: { name: 'knots.md', text: '## Knots\n\n- The bowline makes a fixed loop.\n', format: 'markdown' },
        query: 'bowline',
        expected: 'The bowline makes a fixed loop.',
      },
      {
        format: 'txt',
        text: { name: 'plain notes', text: 'The sourdough starter needs feeding twice a day.' },
        query: 'sourdough starter',
        expected: 'The sourdough starter needs feeding twice a day.',
      },
    ];

    it.each(cases)('indexes a $format document ($query) and finds it by its text', async ({ format, write, text, query, expected }) => {
      if (write) await workspace().write(write.path, write.bytes);
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(
        testApp,
        user,
        base.id,
        write ? { source: 'upload', path: write.path } : { source: 'text', ...text },
      );

      const { document } = await waitForIngestion(testApp, user, base.id, added.id);
      const found = await searchKnowledgeBase(testApp, user, base.id, { query });

      expect(document).toMatchObject({ status: 'indexed', format, error: null });
      expect(found.items[0]).toMatchObject({ document_id: added.id, document_name: added.name });
      expect(found.items[0]!.content).toContain(expected);
      expect(found.items.map((item) => item.content).join('\n')).not.toContain('NOT-CONTENT');
      if (format === 'pdf') expect(found.items[0]!.metadata).toMatchObject({ page: 1 });
    });
  });

  describe('URL documents', () => {
    it('fetches an upstream page and indexes it', async () => {
      const page = htmlFixture({ title: 'Trail guide', sections: [{ heading: 'Ridge path', paragraphs: ['The ridge path has a chain section near the summit.'] }] });
      const upstream = await startUpstream((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(page);
      });
      onTestFinished(() => upstream.close());
      const base = await createKnowledgeBase(testApp, user);
      const url = `http://127.0.0.1:${upstream.port}/guides/trail.html`;

      const added = await addDocument(testApp, user, base.id, { source: 'url', url });
      const { document } = await waitForIngestion(testApp, user, base.id, added.id);
      const found = await searchKnowledgeBase(testApp, user, base.id, { query: 'chain section summit' });

      expect(added).toMatchObject({ name: 'trail.html', status: 'pending' });
      expect(document).toMatchObject({ status: 'indexed', format: 'html' });
      expect(upstream.received.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /guides/trail.html']);
      expect(found.items[0]!.document_id).toBe(added.id);
      expect(found.items[0]!.content).toContain('The ridge path has a chain section near the summit.');
      expect(found.items[0]!.content).not.toContain('NOT-CONTENT');
    });

    it('gives the chunks of a one-page PDF from a URL their page, on the first ingestion as on a re-index', async () => {
      const pdf = pdfFixture([['Only page', 'The walrus sleeps on the ice floes.']]);
      const upstream = await startUpstream((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/pdf' });
        response.end(pdf);
      });
      onTestFinished(() => upstream.close());
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, base.id, { source: 'url', url: `http://127.0.0.1:${upstream.port}/report.pdf` });

      const { document } = await waitForIngestion(testApp, user, base.id, added.id);
      const first = await searchKnowledgeBase(testApp, user, base.id, { query: 'walrus' });
      await send('POST', `/api/v1/knowledge-bases/${base.id}/documents/${added.id}/reindex`);
      await waitForIngestion(testApp, user, base.id, added.id);
      const second = await searchKnowledgeBase(testApp, user, base.id, { query: 'walrus' });

      expect(document).toMatchObject({ status: 'indexed', format: 'pdf' });
      expect(first.items[0]!.metadata).toEqual({ page: 1 });
      expect(second.items[0]!.metadata).toEqual({ page: 1 });
      // The re-index read the stored text: the upstream was asked once.
      expect(upstream.received).toHaveLength(1);
    });

    it.each(['http://10.0.0.1/notes.html', 'http://169.254.169.254/latest/meta-data/'])(
      'refuses %s at creation and stores nothing',
      async (url) => {
        const base = await createKnowledgeBase(testApp, user);

        const response = await send('POST', `/api/v1/knowledge-bases/${base.id}/documents`, { payload: { source: 'url', url } });

        expect(response.statusCode).toBe(403);
        expect(response.json().error).toBe('SSRF_BLOCKED');
        const list = await send('GET', `/api/v1/knowledge-bases/${base.id}/documents`);
        expect(list.json().total).toBe(0);
      },
    );

    it('fails a URL whose upstream answers 404 with DOCUMENT_FETCH_FAILED', async () => {
      const upstream = await startUpstream((_request, response) => {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('Not here');
      });
      onTestFinished(() => upstream.close());
      const base = await createKnowledgeBase(testApp, user);

      const added = await addDocument(testApp, user, base.id, { source: 'url', url: `http://127.0.0.1:${upstream.port}/missing.html` });
      const { document } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(document.status).toBe('failed');
      expect(document.error?.code).toBe('DOCUMENT_FETCH_FAILED');
      expect(document.error?.message).toContain('HTTP 404');
      expect(upstream.received).toHaveLength(1);
      expect((await getKnowledgeBase(testApp, user, base.id)).chunk_count).toBe(0);
    });
  });
});

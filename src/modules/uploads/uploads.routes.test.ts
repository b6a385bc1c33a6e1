import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import {
  corruptDocxFixture,
  csvFixture,
  docxFixture,
  htmlFixture,
  pdfFixture,
} from '../../test-kit/document-fixtures.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { multipartBody, pngBytes, type FormPart } from './uploads.test-helpers.js';

let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function upload(parts: FormPart[], owner: TestUser | null = user) {
  const { payload, contentType } = multipartBody(parts);
  return testApp.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { 'content-type': contentType, ...(owner ? owner.headers : {}) },
    payload,
  });
}

const file = (filename: string, value: string | Buffer, contentType = 'application/octet-stream'): FormPart => ({
  name: 'file',
  filename,
  value,
  contentType,
});

function preview(path: string, query = '', owner: TestUser | null = user) {
  return testApp.app.inject({
    method: 'GET',
    url: `/api/v1/uploads/preview?path=${encodeURIComponent(path)}${query}`,
    headers: owner ? owner.headers : {},
  });
}

describe('POST /api/v1/uploads and GET /api/v1/uploads/preview', () => {
  it.each([
    { filename: 'report.pdf', bytes: pdfFixture([['Quarterly report', 'Revenue grew']]), format: 'pdf', mime: 'application/pdf', text: 'Revenue grew' },
    {
      filename: 'memo.docx',
      bytes: docxFixture([{ heading: 1, text: 'Memo' }, 'Ship on Friday']),
      format: 'docx',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      text: 'Ship on Friday',
    },
    { filename: 'notes.txt', bytes: Buffer.from('天工 plain notes\n'), format: 'txt', mime: 'text/plain', text: '天工 plain notes' },
    { filename: 'people.csv', bytes: csvFixture([['name', 'city'], ['Li Wei', 'Hangzhou']]), format: 'csv', mime: 'text/csv', text: 'Li Wei | Hangzhou' },
    { filename: 'README.md', bytes: Buffer.from('# Title\n\nSome *markdown*.\n'), format: 'markdown', mime: 'text/markdown', text: 'Some *markdown*.' },
    {
      filename: 'page.html',
      bytes: htmlFixture({ title: 'Guide', sections: [{ heading: 'Install', paragraphs: ['Run the installer'] }] }),
      format: 'html',
      mime: 'text/html',
      text: 'Run the installer',
    },
  ])('stores $filename in uploads/ and previews its text', async ({ filename, bytes, format, mime, text }) => {
    const response = await upload([file(filename, bytes)]);

    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      path: `uploads/${filename}`,
      name: filename,
      size: bytes.length,
      mime_type: mime,
      format,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    const stored = await testApp.container.services.workspace.forUser(user.id).read(`uploads/${filename}`);
    expect(stored.equals(bytes)).toBe(true);

    const shown = await preview(`uploads/${filename}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ path: `uploads/${filename}`, name: filename, size: bytes.length, format, mime_type: mime, truncated: false });
    expect(shown.json().text).toContain(text);
    expect(shown.json().characters).toBe(shown.json().text.length);
  });

  it('gives a PDF preview its page count and cuts long text at max_chars', async () => {
    await upload([file('two.pdf', pdfFixture([['First page text'], ['Second page text']]))]);

    const whole = (await preview('uploads/two.pdf')).json();
    const cut = await preview('uploads/two.pdf', '&max_chars=5');

    expect(whole.pages).toBe(2);
    expect(cut.json()).toMatchObject({ text: whole.text.slice(0, 5), truncated: true, characters: whole.characters });
  });

  it('accepts a body encoded by FormData, into the folder named by `directory`', async () => {
    const form = new FormData();
    form.append('directory', 'projects/2026');
    form.append('file', new Blob(['hello from FormData'], { type: 'text/plain' }), 'hello.txt');
    const encoded = new Request('http://localhost/', { method: 'POST', body: form });

    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { ...user.headers, 'content-type': encoded.headers.get('content-type')! },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ path: 'projects/2026/hello.txt', size: 19 });
  });

  it('stores an image with format null', async () => {
    const response = await upload([file('logo.png', pngBytes())]);

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ path: 'uploads/logo.png', mime_type: 'image/png', format: null });
  });

  it('never replaces a file: a taken name becomes "name (1).ext", "name (2).ext"', async () => {
    const names: string[] = [];
    for (const text of ['first', 'second', 'third']) names.push((await upload([file('plan.txt', text)])).json().path);

    expect(names).toEqual(['uploads/plan.txt', 'uploads/plan (1).txt', 'uploads/plan (2).txt']);
    expect((await preview('uploads/plan.txt')).json().text).toBe('first');
    expect((await preview('uploads/plan (2).txt')).json().text).toBe('third');
  });

  it('cleans the client file name', async () => {
    const pathName = await upload([file('C:\\Users\\me\\evil\u0007na\u202eme.txt', 'x')]);
    const empty = await upload([file('', '%PDF-1.4 tiny', 'application/pdf')]);
    const long = await upload([file(`${'长'.repeat(300)}.txt`, 'x')]);

    expect(pathName.json().name).toBe('evilname.txt');
    expect(empty.statusCode).toBe(201);
    expect(empty.json().name).toBe('upload.pdf');
    expect(long.json().name).toMatch(/^长+\.txt$/);
    expect(Buffer.byteLength(long.json().name)).toBeLessThanOrEqual(240);
  });

  it('answers 401 without a token and stores nothing', async () => {
    const response = await upload([file('a.txt', 'x')], null);

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'AUTH_REQUIRED' });
    expect((await preview('uploads/a.txt', '', null)).statusCode).toBe(401);
    expect((await testApp.container.services.workspace.forUser(user.id).list('')).entries).toEqual([]);
  });

  it("answers 404 for another user's file and for a missing one", async () => {
    await upload([file('secret.txt', 'mine only')]);
    const stranger = await createUser(testApp);

    const theirs = await preview('uploads/secret.txt', '', stranger);
    const missing = await preview('uploads/none.txt');
    const throughFile = await preview('uploads/secret.txt/inner.txt');

    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ error: 'UPLOAD_NOT_FOUND' });
    expect(missing.statusCode).toBe(404);
    expect(throughFile.statusCode).toBe(404);
  });

  it.each([
    ['an executable', 'tool.exe', Buffer.from([0x4d, 0x5a, 0x90, 0x00])],
    ['a .pdf without a PDF header', 'fake.pdf', Buffer.from('just some text')],
    ['a .docx that is not a ZIP', 'fake.docx', Buffer.from('plain text, not a package')],
    ['a ZIP that is not a Word document', 'sheet.docx', Buffer.from('PK\u0003\u0004not word at all', 'latin1')],
    ['a .png that is text', 'fake.png', Buffer.from('not an image')],
    ['text that is not UTF-8', 'latin.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])],
    ['text with NUL bytes', 'binary.txt', Buffer.from([0x61, 0x00, 0x62])],
    ['a PDF named .txt', 'sneaky.txt', pdfFixture([['x']])],
    ['a name without extension', 'Makefile', Buffer.from('all:\n')],
  ])('refuses %s with 415 and stores nothing', async (_what, filename, bytes) => {
    const response = await upload([file(filename, bytes)]);

    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: 'UPLOAD_TYPE_NOT_ALLOWED', details: { allowed_extensions: expect.any(Array) } });
    expect((await testApp.container.services.workspace.forUser(user.id).list('')).entries).toEqual([]);
  });

  it('answers 4xx, never 500, to bodies that are not an upload form', async () => {
    const json = await testApp.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: user.headers, payload: { file: 'x' } });
    const empty = await testApp.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: user.headers });
    const noBoundary = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { ...user.headers, 'content-type': 'multipart/form-data' },
      payload: 'garbage',
    });
    const noFile = await upload([{ name: 'directory', value: 'docs' }]);
    const wrongName = await upload([{ ...file('a.txt', 'x'), name: 'document' }]);
    const twoFiles = await upload([file('a.txt', 'x'), file('b.txt', 'y')]);

    expect([json.statusCode, json.json().error]).toEqual([415, 'UPLOAD_NOT_MULTIPART']);
    expect([empty.statusCode, empty.json().error]).toEqual([415, 'UPLOAD_NOT_MULTIPART']);
    expect([noBoundary.statusCode, noBoundary.json().error]).toEqual([400, 'UPLOAD_MALFORMED']);
    expect(noFile.statusCode).toBe(422);
    expect(noFile.json()).toMatchObject({ error: 'VALIDATION_ERROR', details: { fields: [{ field: 'body.file' }] } });
    expect(wrongName.statusCode).toBe(422);
    expect([twoFiles.statusCode, twoFiles.json().error]).toEqual([413, 'UPLOAD_TOO_MANY_PARTS']);
  });

  it.each(['../outside', '/etc', 'a\\b', 'uploads/../../x', 'bad\u0001name'])('answers 422 for the directory %j', async (directory) => {
    const response = await upload([{ name: 'directory', value: directory }, file('a.txt', 'x')]);

    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: 'VALIDATION_ERROR', details: { fields: [{ field: 'body.directory' }] } });
  });

  it('answers 422 when the directory is a file', async () => {
    await upload([file('taken.txt', 'x')]);

    const response = await upload([{ name: 'directory', value: 'uploads/taken.txt' }, file('a.txt', 'x')]);

    expect(response.statusCode).toBe(422);
  });

  it.each([
    ['a climbing path', '?path=..%2Fx'],
    ['an absolute path', '?path=%2Fetc%2Fpasswd'],
    ['no path', ''],
    ['the workspace itself', '?path=.'],
    ['max_chars 0', '?path=a.txt&max_chars=0'],
    ['max_chars over 100000', '?path=a.txt&max_chars=100001'],
    ['max_chars not a number', '?path=a.txt&max_chars=many'],
  ])('answers 422 to a preview with %s', async (_what, query) => {
    const response = await testApp.app.inject({ method: 'GET', url: `/api/v1/uploads/preview${query}`, headers: user.headers });

    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
  });

  it('answers 415 for an image, 422 for a corrupt document and for a folder', async () => {
    await upload([file('photo.png', pngBytes())]);
    const workspace = testApp.container.services.workspace.forUser(user.id);
    await workspace.write('broken.docx', corruptDocxFixture());
    await workspace.write(`folder-${randomUUID()}/x.txt`, 'x');
    const folder = (await workspace.list('')).entries.find((entry) => entry.kind === 'directory' && entry.name.startsWith('folder-'))!;

    const image = await preview('uploads/photo.png');
    const corrupt = await preview('broken.docx');
    const directory = await preview(folder.path);

    expect(image.statusCode).toBe(415);
    expect(image.json()).toMatchObject({ error: 'UPLOAD_NOT_PREVIEWABLE', message: expect.stringContaining('a PNG image') });
    expect([corrupt.statusCode, corrupt.json().error]).toEqual([422, 'DOCUMENT_CORRUPT']);
    expect(directory.statusCode).toBe(422);
  });
});

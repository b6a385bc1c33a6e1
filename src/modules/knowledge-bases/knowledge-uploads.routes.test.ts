import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { docxFixture } from '../../test-kit/document-fixtures.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { createKnowledgeBase, waitForIngestion } from '../../test-kit/knowledge.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { multipartBody, pngBytes } from '../uploads/uploads.test-helpers.js';

/** POST /knowledge-bases/{kb_id}/documents/upload: one call from a file to an indexed document. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function upload(baseId: string, file: { filename: string; value: Buffer }, owner = user) {
  const { payload, contentType } = multipartBody([{ name: 'file', ...file }]);
  return testApp.app.inject({
    method: 'POST',
    url: `/api/v1/knowledge-bases/${baseId}/documents/upload`,
    headers: { ...owner.headers, 'content-type': contentType },
    payload,
  });
}

async function workspaceFiles(owner: TestUser): Promise<string[]> {
  const listing = await testApp.container.services.workspace.forUser(owner.id).list('', { recursive: true });
  return listing.entries.filter((entry) => entry.kind === 'file').map((entry) => entry.path);
}

describe('one-call document upload', () => {
  it('stores the file under knowledge/<kb_id>/ and indexes it', async () => {
    const base = await createKnowledgeBase(testApp, user);

    const response = await upload(base.id, { filename: 'guide.docx', value: docxFixture(['Badges open every door on weekdays.']) });

    expect(response.statusCode).toBe(202);
    const document = response.json();
    expect(document).toMatchObject({ name: 'guide.docx', source_type: 'upload', source: `knowledge/${base.id}/guide.docx`, status: 'pending' });
    const { document: done } = await waitForIngestion(testApp, user, base.id, document.id);
    expect(done.status).toBe('indexed');
    expect(await workspaceFiles(user)).toEqual([`knowledge/${base.id}/guide.docx`]);
  });

  it("answers 404 for another user's base or a missing one, and stores nothing", async () => {
    const base = await createKnowledgeBase(testApp, user);
    const stranger = await createUser(testApp);

    const foreign = await upload(base.id, { filename: 'x.docx', value: docxFixture(['x']) }, stranger);
    const missing = await upload(randomUUID(), { filename: 'x.docx', value: docxFixture(['x']) });

    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toBe('KNOWLEDGE_BASE_NOT_FOUND');
    expect(missing.statusCode).toBe(404);
    expect(await workspaceFiles(stranger)).toEqual([]);
    expect(await workspaceFiles(user)).toEqual([]);
  });

  it('refuses an image (415) and a JSON body (415) without storing anything', async () => {
    const base = await createKnowledgeBase(testApp, user);

    const image = await upload(base.id, { filename: 'photo.png', value: pngBytes() });
    const json = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/knowledge-bases/${base.id}/documents/upload`,
      headers: user.headers,
      payload: { path: 'x' },
    });

    expect(image.statusCode).toBe(415);
    expect(image.json().error).toBe('DOCUMENT_TYPE_NOT_SUPPORTED');
    expect(json.statusCode).toBe(415);
    expect(await workspaceFiles(user)).toEqual([]);
  });
});

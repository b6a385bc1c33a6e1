import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractText } from '../../platform/documents/extract-text.js';
import { FilesystemWorkspaceStore } from '../../platform/workspace/workspace-store.filesystem.js';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import { uploadsRoutes } from './uploads.routes.js';
import { UploadsService } from './uploads.service.js';
import { multipartBody } from './uploads.test-helpers.js';

/**
 * The size limits, on the real app with the uploads routes mounted a second time over a small
 * workspace store (1 KiB files, 3 000 bytes per user): the configuration has no workspace limit
 * variables, and a 20 MiB body per test would be slow.
 */
const MAX_FILE_BYTES = 1024;
const MAX_TOTAL_BYTES = 3000;
let testApp: TestApp;
let user: TestUser;
let store: FilesystemWorkspaceStore;
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tiangong-upload-limits-'));
  store = new FilesystemWorkspaceStore({ rootDirectory: root, maxFileBytes: MAX_FILE_BYTES, maxTotalBytes: MAX_TOTAL_BYTES });
  const service = new UploadsService({ workspace: store, extractText, clock: new FixedClock() });
  testApp = await buildTestApp({
    extend: async (app) => {
      await app.register(uploadsRoutes, { prefix: '/api/v1/small-uploads', service });
    },
  });
  user = await createUser(testApp);
});
afterEach(async () => {
  await testApp.close();
  await rm(root, { recursive: true, force: true });
});

function upload(filename: string, size: number) {
  const { payload, contentType } = multipartBody([{ name: 'file', filename, value: Buffer.alloc(size, 'a'), contentType: 'text/plain' }]);
  return testApp.app.inject({
    method: 'POST',
    url: '/api/v1/small-uploads',
    headers: { ...user.headers, 'content-type': contentType },
    payload,
  });
}

describe('upload limits', () => {
  it('accepts a file of exactly the largest size', async () => {
    const response = await upload('full.txt', MAX_FILE_BYTES);

    expect(response.statusCode).toBe(201);
    expect(response.json().size).toBe(MAX_FILE_BYTES);
  });

  it('answers 413 UPLOAD_TOO_LARGE one byte over, and stores nothing', async () => {
    const response = await upload('big.txt', MAX_FILE_BYTES + 1);

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'UPLOAD_TOO_LARGE', details: { max_bytes: MAX_FILE_BYTES } });
    const workspace = store.forUser(user.id);
    expect((await workspace.list('', { recursive: true })).entries).toEqual([]);
    expect((await workspace.usage()).usedBytes).toBe(0);
  });

  it('answers 413 WORKSPACE_QUOTA_EXCEEDED when the workspace is full, keeping what was there', async () => {
    for (const name of ['a.txt', 'b.txt']) expect((await upload(name, 1000)).statusCode).toBe(201);

    const response = await upload('c.txt', 1001);

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'WORKSPACE_QUOTA_EXCEEDED' });
    const names = (await store.forUser(user.id).list('uploads')).entries.map((entry) => entry.name);
    expect(names).toEqual(['a.txt', 'b.txt']);
  });

  it('describes the route as a multipart upload in the OpenAPI document', async () => {
    const document = (await testApp.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = document.paths['/api/v1/uploads'].post;

    expect(operation).toMatchObject({ tags: ['uploads'], summary: expect.any(String) });
    expect(operation.description).toContain('multipart/form-data');
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '413', '415', '422']));
  });
});

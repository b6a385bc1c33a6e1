import { describe, expect, it } from 'vitest';
import { createModelConfig } from '../../test-kit/factories.js';
import {
  countRows,
  createExample,
  definitionOf,
  fetchAgent,
  request,
  testApp,
  update,
  user,
  useAppPerTest,
} from './agents.test-helpers.js';

/** POST /api/v1/agents/{id}/deploy, /stop and /duplicate. */
useAppPerTest();

function deploy(id: string) {
  return request('POST', `/${id}/deploy`, user);
}

function stop(id: string) {
  return request('POST', `/${id}/stop`, user);
}

function duplicate(id: string) {
  return request('POST', `/${id}/duplicate`, user);
}

describe('deploy and stop', () => {
  it('deploy publishes, stop stops, deploy again publishes; the version stays', async () => {
    const created = await createExample();
    testApp.clock.advance(60_000);

    const deployed = await deploy(created.id);
    const stopped = await stop(created.id);
    const redeployed = await deploy(created.id);

    expect(deployed.statusCode).toBe(200);
    expect(deployed.json()).toEqual({ ...created, status: 'published', updated_at: '2026-01-01T00:01:00.000Z' });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toMatchObject({ status: 'stopped', version: 1 });
    expect(redeployed.statusCode).toBe(200);
    expect(redeployed.json()).toMatchObject({ status: 'published', version: 1 });
    expect(await fetchAgent(created.id)).toEqual(redeployed.json());
    expect(await countRows()).toEqual({ agents: 1, versions: 1 });
  });

  it('keeps the status through an update, which bumps the version only', async () => {
    const created = await createExample();
    await deploy(created.id);

    const response = await update(created.id, { name: 'Live and renamed' });

    expect(response.json()).toMatchObject({ status: 'published', version: 2, name: 'Live and renamed' });
  });

  it('answers 200 to a deploy of a published agent and a stop of a draft', async () => {
    const created = await createExample();
    await deploy(created.id);

    const again = await deploy(created.id);
    const other = await createExample({ name: 'Draft' });
    const stoppedDraft = await stop(other.id);

    expect(again.json()).toMatchObject({ status: 'published', version: 1 });
    expect(stoppedDraft.json()).toMatchObject({ status: 'stopped', version: 1 });
  });

  it('changes the status of that agent only', async () => {
    const created = await createExample();
    const bystander = await createExample({ name: 'Bystander' });

    await deploy(created.id);

    expect(await fetchAgent(bystander.id)).toEqual(bystander);
  });
});

describe('POST /api/v1/agents/{id}/duplicate', () => {
  it('answers 201 with a new id, "(copy)" in the name, a draft at version 1 with the same definition', async () => {
    const created = await createExample({ opening_message: 'Hi', variables: [{ name: 'topic', required: true }] });
    await update(created.id, { iteration_limit: 30 });
    await deploy(created.id);
    const source = await fetchAgent(created.id);
    testApp.clock.advance(60_000);

    const response = await duplicate(created.id);

    expect(response.statusCode).toBe(201);
    const copy = response.json();
    expect(copy.id).not.toBe(created.id);
    expect(copy).toEqual({
      ...source,
      id: copy.id,
      name: 'Research assistant (copy)',
      status: 'draft',
      version: 1,
      created_at: '2026-01-01T00:01:00.000Z',
      updated_at: '2026-01-01T00:01:00.000Z',
    });
    expect(await fetchAgent(copy.id)).toEqual(copy);
    const versions = (await request('GET', `/${copy.id}/versions`, user)).json();
    expect(versions).toEqual([{ version: 1, created_at: copy.created_at, definition: definitionOf(copy) }]);
  });

  it('keeps the stored model config of the source', async () => {
    const config = await createModelConfig(testApp, user, { base_url: 'https://llm.example.test/v1' });
    const created = await createExample({ model_config: null, model_config_id: config.id });

    const copy = (await duplicate(created.id)).json();

    expect(copy).toMatchObject({ model_config_id: config.id, model_config: null });
  });

  it('leaves the original untouched when the copy changes later', async () => {
    const created = await createExample();
    const copy = (await duplicate(created.id)).json();

    const workflow = { nodes: [{ id: 'solo', type: 'agent' }], edges: [] };
    await update(copy.id, { name: 'Changed copy', workflow_config: workflow, memory: { history_messages: 1, history_tokens: 1 } });
    await deploy(copy.id);
    await request('DELETE', `/${copy.id}`, user);

    expect(await fetchAgent(created.id)).toEqual(created);
    expect((await request('GET', `/${created.id}/versions`, user)).json()).toHaveLength(1);
  });

  it('leaves the copy untouched when the original changes later', async () => {
    const created = await createExample();
    const copy = (await duplicate(created.id)).json();

    await update(created.id, { description: 'changed original' });
    await request('DELETE', `/${created.id}`, user);

    expect(await fetchAgent(copy.id)).toEqual(copy);
  });

  it('keeps the name within 100 characters and still marks it as a copy', async () => {
    const created = await createExample({ name: 'n'.repeat(100) });

    const response = await duplicate(created.id);

    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe(`${'n'.repeat(93)} (copy)`);
  });

  it('copies a copy', async () => {
    const created = await createExample();
    const copy = (await duplicate(created.id)).json();

    const second = (await duplicate(copy.id)).json();

    expect(second.name).toBe('Research assistant (copy) (copy)');
    expect(await countRows()).toEqual({ agents: 3, versions: 3 });
  });
});

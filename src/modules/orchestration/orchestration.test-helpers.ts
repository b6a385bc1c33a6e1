import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import type { ModelServer } from '../../test-kit/model-server/index.js';
import type { ReceivedEvent } from '../../test-kit/sse-client.js';

type Message = { role: string; content: string };

/** A fresh user whose default chat model is the scripted server, and a maker of their agents. */
export async function orchestrationUser(testApp: TestApp, server: ModelServer) {
  const user = await createUser(testApp);
  await createModelConfig(testApp, user, { base_url: server.baseUrl, is_default: true });
  /** An agent whose system prompt names it ("You are <name>."), so requests show who was asked. */
  const agent = (name: string, overrides: Record<string, unknown> = {}) =>
    createAgent(testApp, user, { name, system_prompt: `You are ${name}.`, ...overrides });
  return { user, agent };
}

/** What the request at `index` sent the model: its system prompt (the agent's, plus instructions) and last user message. */
export function sent(server: ModelServer, index: number): { system: string; user: string } {
  const messages = (server.requests[index]?.body?.messages ?? []) as Message[];
  return {
    system: messages.filter((message) => message.role === 'system').map((message) => message.content).join('\n'),
    user: messages.filter((message) => message.role === 'user').at(-1)?.content ?? '',
  };
}

/** Which agent ("You are <name>.") each request to the model was for, in order. */
export function askedInOrder(server: ModelServer): string[] {
  return server.requests.map((_, index) => /You are (\w+)\./.exec(sent(server, index).system)?.[1] ?? '?');
}

/** The caller's runs (newest first) as GET /runs shows them. */
export async function runsOf(testApp: TestApp, user: TestUser, query = ''): Promise<Array<Record<string, unknown>>> {
  const response = await testApp.app.inject({ url: `/api/v1/runs?page_size=100${query}`, headers: user.headers });
  return response.json().items;
}

/** `[event, agent_name]` of each event, for reading who spoke when. */
export function speakers(events: readonly ReceivedEvent[]): Array<[string, unknown]> {
  return events.map((event) => [event.event, (event.data as { agent_name?: unknown }).agent_name]);
}

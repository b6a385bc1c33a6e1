import type { Config } from './config/config.js';
import type { ToolCallObserver } from './engine/tools/tool-set.js';
import type { Secrets } from './config/secrets.js';
import { ChatService, type ToolResolver } from './modules/agent-chat/chat.service.js';
import { ConversationsRepository } from './modules/agent-chat/conversations.repository.js';
import { LlmCallsRepository } from './modules/llm-calls/llm-calls.repository.js';
import { StoredModelConfigSource } from './modules/model-configs/model-config-source.js';
import { ModelConfigsRepository } from './modules/model-configs/model-configs.repository.js';
import {
  ModelConfigsService,
  modelConfigsChangedTopic,
  type ModelConfigsChanged,
} from './modules/model-configs/model-configs.service.js';
import type { Clock } from './platform/clock.js';
import { SecretBox } from './platform/crypto/secret-box.js';
import type { Database } from './platform/db/database.js';
import type { EventBus } from './platform/events/event-bus.js';
import type { IdGenerator } from './platform/ids.js';
import { BufferedLlmCallRecorder } from './platform/llm/buffered-recorder.js';
import { ModelGateway } from './platform/llm/gateway.js';
import type { RetryPolicy } from './platform/llm/retry-policy.js';
import type { Logger } from './platform/logger.js';

/** The model side of the container: configs, the gateway, call recording, chat. */
export interface ModelServices {
  modelConfigs: ModelConfigsService;
  gateway: ModelGateway;
  llmCalls: LlmCallsRepository;
  recorder: BufferedLlmCallRecorder;
  chat: ChatService;
  conversations: ConversationsRepository;
}

/** Wires the model services on an open database. */
export async function createModelServices(options: {
  config: Config;
  secrets: Secrets;
  db: Database;
  logger: Logger;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  retryPolicy?: RetryPolicy | undefined;
  tools: ToolResolver & { recordCall: ToolCallObserver };
  /** The SSRF-guarded fetch every provider call goes through. */
  fetch: typeof globalThis.fetch;
}): Promise<ModelServices> {
  const { config, db, logger, clock, ids, events } = options;
  const secretBox = new SecretBox(options.secrets.encryptionKey);
  const repository = new ModelConfigsRepository(db);
  const llmCalls = new LlmCallsRepository(db);
  const conversations = new ConversationsRepository(db);
  const recorder = new BufferedLlmCallRecorder({ write: (records) => llmCalls.insertMany(records), logger });
  const gateway = new ModelGateway({
    source: new StoredModelConfigSource(repository, secretBox),
    environment: config.llm,
    recorder,
    clock,
    ids,
    fetch: options.fetch,
    ...(options.retryPolicy ? { policy: options.retryPolicy } : {}),
  });
  // Another instance changed someone's model configs: forget what this one resolved for them.
  await events.subscribe<ModelConfigsChanged>(modelConfigsChangedTopic, (event) => gateway.invalidate(event.owner_id));
  return {
    gateway,
    llmCalls,
    recorder,
    modelConfigs: new ModelConfigsService({ repository, secrets: secretBox, gateway, events, clock, ids }),
    conversations,
    chat: new ChatService({ conversations, gateway, clock, ids, tools: options.tools, observeToolCall: options.tools.recordCall }),
  };
}

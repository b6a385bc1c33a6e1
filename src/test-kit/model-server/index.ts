/** The scripted OpenAI-wire model server of the test kit. */
export {
  ModelServer,
  startModelServer,
  type ModelServerOptions,
  type ReplySource,
} from './model-server.js';
export type { ReceivedBody, RecordedRequest } from './model-server.request.js';
export type {
  ErrorReply,
  ReplyPacing,
  ScriptedReply,
  ScriptedToolCall,
  ScriptedUsage,
  StreamFailureMode,
  StreamFailureReply,
  TextReply,
  ToolCallsReply,
} from './model-server.script.js';
export { defaultEmbedding, type EmbeddingsReply } from './model-server.embeddings.js';
export { defaultRerank, type RerankReply, type RerankResult } from './model-server.rerank.js';

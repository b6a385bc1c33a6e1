import { BufferedWriter, type BufferedWriterOptions } from '../buffered-writer.js';
import type { LlmCallRecord, LlmCallRecorder } from './llm-call.js';

/** What a buffered recorder is made of. */
export type BufferedRecorderOptions = Omit<BufferedWriterOptions<LlmCallRecord>, 'label'>;

/** Records LLM calls off the request path, so a chat turn never waits for its usage row. */
export class BufferedLlmCallRecorder extends BufferedWriter<LlmCallRecord> implements LlmCallRecorder {
  constructor(options: BufferedRecorderOptions) {
    super({ ...options, label: 'LLM call records' });
  }

  record(call: LlmCallRecord): void {
    this.add(call);
  }
}

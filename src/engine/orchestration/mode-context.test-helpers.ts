import { randomUUID } from 'node:crypto';
import type { ModeAgent, ModeContext, ModeSpeaker, ModeSpeakOptions } from './mode-context.js';

/** A test agent: a random id and a name (and what it is for, for the router). */
export function agent(name: string, description = ''): ModeAgent & { definition: { name: string; description: string } } {
  return { id: randomUUID(), definition: { name, description } };
}

/** One call the fake speaker received. */
export interface HeardCall {
  agent: string;
  message: string;
  options: ModeSpeakOptions;
}

/**
 * A ModeContext whose agents answer from a script (default: "<name> #<n>"), recording who was
 * asked what and every event. `onSpeak` runs before an answer (to cancel mid-run, or throw).
 */
export function fakeContext(options: { replies?: string[]; onSpeak?: (call: HeardCall, index: number) => void } = {}) {
  const controller = new AbortController();
  const replies = [...(options.replies ?? [])];
  const calls: HeardCall[] = [];
  const events: Array<{ event: string; data: Record<string, unknown>; speaker: ModeSpeaker | undefined }> = [];
  const context: ModeContext<ModeAgent> = {
    signal: controller.signal,
    async speak(speaker, message, speakOptions = {}) {
      const call = { agent: speaker.definition.name, message, options: speakOptions };
      calls.push(call);
      options.onSpeak?.(call, calls.length - 1);
      controller.signal.throwIfAborted();
      const content = replies.shift() ?? `${speaker.definition.name} #${calls.length}`;
      return {
        agent_id: speaker.id,
        agent_name: speaker.definition.name,
        content,
        run_id: randomUUID(),
        session_id: randomUUID(),
        token_usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      };
    },
    emit(event, data, speaker) {
      events.push({ event, data, speaker });
    },
  };
  return { context, calls, events, cancel: (reason: unknown = new Error('cancelled')) => controller.abort(reason) };
}

/** One server-sent event as a test reads it. */
export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: unknown;
}

/** Parses a complete SSE body into its events (comments such as heartbeats are skipped). */
export function parseEventStream(body: string): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  for (const block of body.split('\n\n')) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ event, id, data: JSON.parse(data.join('\n')) });
  }
  return events;
}

/** Reads a fetch Response's SSE body as it arrives, yielding each event; stops when the body ends. */
export async function* readEventStream(response: Response): AsyncGenerator<ReceivedEvent> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      yield* parseEventStream(buffer.slice(0, boundary + 2));
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
    }
  }
}

/**
 * What Agent UI does with a run stream (useAIResponseStream.tsx): it ignores the SSE framing and
 * takes every balanced top-level `{...}` object, braces inside JSON strings and escapes respected.
 */
export function balancedObjects(text: string): Array<Record<string, unknown>> {
  const objects: Array<Record<string, unknown>> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"' && depth > 0) inString = true;
    else if (char === '{') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0) objects.push(JSON.parse(text.slice(start, index + 1)) as Record<string, unknown>);
    }
  }
  return objects;
}

/** The SSE frames of a body as a line parser (Agno's Python client) reads them: `event:` and `data:` pairs. */
export function sseFrames(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim().length > 0)
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice('data: '.length) ?? 'null';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** A multipart form as Agent UI sends it (FormData). */
export function runForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of every shape; the assertions check them
type AnyJson = any;

/** A response's JSON, loosely typed: the assertions that follow check its shape. */
export function bodyOf(response: Response): Promise<AnyJson> {
  return response.json() as Promise<AnyJson>;
}

/** A test client of `/workflows/ws`: sends commands, collects every text frame it receives. */
export interface AgnoSocket {
  frames: string[];
  send(command: Record<string, unknown>): void;
  /** Resolves with the frames received once `until` holds for them (5 s at most). */
  waitFor(until: (frames: string[]) => boolean): Promise<string[]>;
  close(): void;
}

/** Opens a WebSocket and waits until it is open. */
export async function openAgnoSocket(url: string): Promise<AgnoSocket> {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(url);
  const frames: string[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    frames.push(data.toString());
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    frames,
    send: (command) => socket.send(JSON.stringify(command)),
    async waitFor(until) {
      const deadline = Date.now() + 5_000;
      while (!until(frames)) {
        if (Date.now() > deadline) throw new Error(`socket: condition not met; frames so far: ${frames.join(' | ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return frames;
    },
    close: () => socket.close(),
  };
}

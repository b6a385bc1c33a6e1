import { OutboundResponseTooLarge } from './http-client.errors.js';

/** How a response body is watched while it streams. */
export interface BodyGuardOptions {
  maxBytes: number;
  /** Host for error messages. */
  host: string;
  /** Maps a failure of the upstream stream to the error the reader should see. */
  mapError: (error: unknown) => unknown;
  /** Called once when the body ends, fails or is cancelled, to release timers. */
  onSettled: () => void;
  /** When set, called before and after each upstream read to arm and disarm an idle timer. */
  onReadStart?: () => void;
  onReadEnd?: () => void;
}

/** True when a Content-Length header value announces more than `maxBytes`. */
export function declaresMoreThan(declared: string | null, maxBytes: number): boolean {
  return declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes;
}

/**
 * Wraps a response body so it keeps streaming chunk by chunk while counting bytes: passing `maxBytes` errors the
 * stream with OutboundResponseTooLarge and cancels the upstream (closing the connection), and upstream failures
 * reach the reader as mapped errors rather than raw undici ones.
 */
export function guardBody(source: ReadableStream<Uint8Array>, options: BodyGuardOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let received = 0;
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    options.onSettled();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        options.onReadStart?.();
        chunk = await reader.read();
      } catch (error) {
        settle();
        controller.error(options.mapError(error));
        return;
      } finally {
        options.onReadEnd?.();
      }
      if (chunk.done) {
        settle();
        controller.close();
        return;
      }
      received += chunk.value.byteLength;
      if (received > options.maxBytes) {
        const tooLarge = new OutboundResponseTooLarge(options.host, options.maxBytes);
        settle();
        controller.error(tooLarge);
        await reader.cancel(tooLarge).catch(() => undefined);
        return;
      }
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      settle();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}

/** Reads a (guarded) body to the end into one byte array. */
export async function readAllBytes(stream: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Decodes bytes with the charset named in a Content-Type header, falling back to UTF-8. */
export function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([\w-]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

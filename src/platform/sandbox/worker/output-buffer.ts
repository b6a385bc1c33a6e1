/** Collects the logs of one job up to a byte cap and remembers whether the cap was passed. */
export class OutputBuffer {
  private readonly parts: string[] = [];
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private used = 0;
  private overflowed = false;

  constructor(private readonly limitBytes: number) {}

  /** Bytes kept so far. */
  get bytes(): number {
    return this.used;
  }

  /** True once more output arrived than the cap allows; later output is dropped. */
  get exceeded(): boolean {
    return this.overflowed;
  }

  /** Appends text, keeping only what fits under the cap. */
  appendText(text: string): void {
    this.appendBytes(this.encoder.encode(text));
  }

  /** Appends UTF-8 bytes (a Pyodide stdout chunk), keeping only what fits under the cap. */
  appendBytes(bytes: Uint8Array): void {
    if (this.overflowed) return;
    const room = this.limitBytes - this.used;
    if (bytes.length > room) {
      this.overflowed = true;
      bytes = bytes.subarray(0, Math.max(0, room));
    }
    this.parts.push(this.decoder.decode(bytes, { stream: true }));
    this.used += bytes.length;
  }

  /** The kept output as text; a character cut by the cap becomes U+FFFD. */
  text(): string {
    const tail = this.decoder.decode();
    if (tail) this.parts.push(tail);
    return this.parts.join('');
  }
}

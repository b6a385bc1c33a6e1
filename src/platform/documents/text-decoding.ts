/** Text decoded from bytes, with the encoding that was used. */
export interface DecodedText {
  text: string;
  /** `utf-8`, `utf-16le`, `utf-16be`, or `utf-8 (lossy)` when invalid sequences were replaced. */
  encoding: string;
}

/**
 * Decodes text. Steps: a UTF-16 byte-order mark picks UTF-16; otherwise strict UTF-8 (a UTF-8
 * BOM is dropped); invalid UTF-8 is decoded with replacement characters and flagged lossy, so a
 * stray Latin-1 byte costs one character rather than the file. Line endings become "\n".
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  let decoded: DecodedText;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    decoded = { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    decoded = { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  } else {
    try {
      decoded = { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
    } catch {
      decoded = { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8 (lossy)' };
    }
  }
  return { text: decoded.text.replace(/\r\n?/g, '\n'), encoding: decoded.encoding };
}

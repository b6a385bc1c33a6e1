/** The named HTML entities most text contains; any other named entity is left as written. */
const namedEntities = new Map<string, string>([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', '\u00a0'],
  ['copy', '©'],
  ['reg', '®'],
  ['trade', '™'],
  ['hellip', '…'],
  ['mdash', '—'],
  ['ndash', '–'],
  ['lsquo', '‘'],
  ['rsquo', '’'],
  ['ldquo', '“'],
  ['rdquo', '”'],
  ['laquo', '«'],
  ['raquo', '»'],
  ['bull', '•'],
  ['middot', '·'],
  ['deg', '°'],
  ['plusmn', '±'],
  ['times', '×'],
  ['divide', '÷'],
  ['euro', '€'],
  ['pound', '£'],
  ['yen', '¥'],
  ['cent', '¢'],
  ['sect', '§'],
  ['para', '¶'],
]);

const htmlSpecial = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
]);

/** Escapes the five characters that are special in HTML text and attributes. */
export function encodeHtmlEntities(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlSpecial.get(character)!);
}

function fromCodePoint(codePoint: number, original: string): string {
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : original;
}

/** Decodes named (from a common set) and numeric (`&#39;`, `&#x1F600;`) entities; unknown ones stay as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (entity, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return fromCodePoint(Number.parseInt(body.slice(2), 16), entity);
    if (body.startsWith('#')) return fromCodePoint(Number.parseInt(body.slice(1), 10), entity);
    return namedEntities.get(body) ?? entity;
  });
}

/** Writes every character outside printable ASCII as `\uXXXX` (UTF-16 units, as JSON and JavaScript do). */
export function encodeUnicodeEscapes(text: string): string {
  let output = '';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    output += code >= 0x20 && code < 0x7f ? text[index] : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return output;
}

/** Decodes `\uXXXX`, `\u{1F600}` and `\xXX` escapes; other backslashes stay as written. */
export function decodeUnicodeEscapes(text: string): string {
  return text.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g, (escape, braced?: string, unit?: string, byte?: string) => {
    if (braced !== undefined) return fromCodePoint(Number.parseInt(braced, 16), escape);
    return String.fromCharCode(Number.parseInt(unit ?? byte!, 16));
  });
}

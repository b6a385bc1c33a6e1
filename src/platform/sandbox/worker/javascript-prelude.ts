/**
 * JavaScript evaluated inside each fresh QuickJS context before the user's code. It receives the
 * host's only function (`write`, which appends one line to the logs), the input as JSON text and
 * the output cap, installs `console` and `input`, and returns `[input, serialise]`. Nothing else
 * of the host is visible: QuickJS has no `require`, `process`, timers, network or file system.
 */
export const javascriptPrelude = String.raw`(function (write, inputText, outputLimit) {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const describe = (value) => {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return '[Function' + (value.name ? ': ' + value.name : '') + ']';
    if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
    if (value instanceof Error) return String(value) + (value.stack ? '\n' + value.stack : '');
    try {
      const text = stringify(value);
      return text === undefined ? String(value) : text;
    } catch (error) {
      try { return String(value); } catch (second) { return '[unprintable]'; }
    }
  };
  const log = (...values) => {
    let text = values.map(describe).join(' ');
    if (text.length > outputLimit) text = text.slice(0, outputLimit + 1);
    write(text);
  };
  globalThis.console = { log, info: log, warn: log, error: log, debug: log, trace: log };
  const input = parse(inputText);
  globalThis.input = input;
  const serialise = (value) => {
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError('the result is a ' + typeof value + ', which is not JSON-serialisable');
    }
    const text = value === undefined ? 'null' : stringify(value);
    if (text === undefined) throw new TypeError('the result is not JSON-serialisable');
    return text.length > outputLimit ? null : text;
  };
  return [input, serialise];
})`;

/** Finds the user's `main` after the code ran: a global function, or undefined. */
export const findMainSource = `typeof main === 'function' ? main : undefined`;

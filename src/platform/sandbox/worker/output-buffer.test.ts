import { describe, expect, it } from 'vitest';
import { OutputBuffer } from './output-buffer.js';

describe('OutputBuffer', () => {
  it('keeps text under the cap and counts UTF-8 bytes', () => {
    const buffer = new OutputBuffer(100);
    buffer.appendText('héllo\n');
    buffer.appendBytes(new TextEncoder().encode('wörld'));
    expect(buffer.text()).toBe('héllo\nwörld');
    expect(buffer.bytes).toBe(13);
    expect(buffer.exceeded).toBe(false);
  });

  it('cuts at the cap, flags the overflow and drops later output', () => {
    const buffer = new OutputBuffer(5);
    buffer.appendText('abc');
    buffer.appendText('defgh');
    buffer.appendText('ignored');
    expect(buffer.text()).toBe('abcde');
    expect(buffer.bytes).toBe(5);
    expect(buffer.exceeded).toBe(true);
  });

  it('joins a character split across chunks and marks one cut by the cap with U+FFFD', () => {
    const bytes = new TextEncoder().encode('日本');
    const joined = new OutputBuffer(100);
    joined.appendBytes(bytes.subarray(0, 2));
    joined.appendBytes(bytes.subarray(2));
    expect(joined.text()).toBe('日本');

    const cut = new OutputBuffer(4);
    cut.appendText('日本');
    expect(cut.exceeded).toBe(true);
    expect(cut.text()).toBe('日\uFFFD');
  });

  it('returns the same text when read twice', () => {
    const buffer = new OutputBuffer(10);
    buffer.appendBytes(new TextEncoder().encode('é').subarray(0, 1));
    expect(buffer.text()).toBe(buffer.text());
  });
});

// Decimals written for a value between -1 and 1: the error (at most 5e-10) is below the precision
// of the float4 the value is stored as for any value above ~0.001, and far below anything a cosine
// similarity can notice.
const DECIMALS = 9;
const SCALE = 10 ** DECIMALS;
const [COMMA, MINUS, ZERO, DOT, OPEN, CLOSE] = [44, 45, 48, 46, 123, 125];

let buffer = Buffer.allocUnsafe(64 * 1024);

/**
 * A vector as a PostgreSQL array literal, `{0.012345679,-0.5,...}`, for a real[] column. Written
 * byte by byte: embedding values lie between -1 and 1, and writing their fixed-point digits is
 * ~6 times faster than JavaScript's shortest round-trip number formatting (which made up most of
 * the client's time when inserting chunks). Other values are formatted as usual.
 */
export function vectorLiteral(vector: readonly number[]): string {
  // At most 25 bytes per value (a formatted double), a comma, and the braces.
  const needed = vector.length * 26 + 2;
  if (buffer.length < needed) buffer = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2));
  let position = 0;
  buffer[position++] = OPEN;
  for (let index = 0; index < vector.length; index++) {
    if (index > 0) buffer[position++] = COMMA;
    const value = vector[index]!;
    let digits = Math.round(Math.abs(value) * SCALE);
    if (!(digits < SCALE)) {
      position += buffer.write(String(value), position, 'latin1');
      continue;
    }
    if (value < 0 && digits > 0) buffer[position++] = MINUS;
    buffer[position++] = ZERO;
    buffer[position++] = DOT;
    for (let digit = DECIMALS - 1; digit >= 0; digit--) {
      buffer[position + digit] = ZERO + (digits % 10);
      digits = Math.floor(digits / 10);
    }
    position += DECIMALS;
  }
  buffer[position++] = CLOSE;
  return buffer.toString('latin1', 0, position);
}

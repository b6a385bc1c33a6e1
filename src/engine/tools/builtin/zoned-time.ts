import { ToolError } from '../tool.js';

/** A wall-clock date and time, without a zone. Month is 1-12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** How to read a wall-clock time that a DST change skips (gap) or repeats (overlap), as in Temporal. */
export type Disambiguation = 'compatible' | 'earlier' | 'later' | 'reject';

/** A wall-clock time resolved to an instant, and whether it fell in a DST gap or overlap. */
export interface ResolvedLocalTime {
  instant: number;
  kind: 'exact' | 'gap' | 'overlap';
}

/** A day of 24 hours; calendar days across a DST change are shorter or longer. */
export const MILLISECONDS_PER_DAY = 86_400_000;
/** English weekday names, indexed like `Date.getUTCDay()` (0 = Sunday). */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Checks an IANA time zone name and returns its canonical spelling ("asia/tokyo" -> "Asia/Tokyo"). */
export function canonicalTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new ToolError(`Unknown time zone "${timeZone}": use an IANA name such as "UTC", "Europe/Paris" or "Asia/Shanghai"`);
  }
}

/** Milliseconds since the epoch of a wall-clock time read as UTC; years 0-99 are taken literally. */
export function utcFromLocal(local: LocalDateTime): number {
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, local.millisecond);
  return date.getTime();
}

/** The wall-clock time of an instant read as UTC. */
export function localFromUtc(instant: number): LocalDateTime {
  const date = new Date(instant);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

/** The wall-clock time of an instant in a time zone. */
export function localIn(instant: number, timeZone: string): LocalDateTime {
  const millisecond = ((instant % 1000) + 1000) % 1000;
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
    millisecond,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(instant: number, timeZone: string): number {
  return utcFromLocal(localIn(instant, timeZone)) - instant;
}

function sameLocal(left: LocalDateTime, right: LocalDateTime): boolean {
  return (
    left.year === right.year &&
    left.month === right.month &&
    left.day === right.day &&
    left.hour === right.hour &&
    left.minute === right.minute &&
    left.second === right.second &&
    left.millisecond === right.millisecond
  );
}

/**
 * Finds the instant of a wall-clock time in a zone. Steps: read the time as UTC; take the zone's
 * offsets a day before and after (the offsets on either side of any DST change); keep the
 * candidates whose wall-clock time matches. Two candidates are an overlap, none is a gap;
 * `compatible` takes the earlier one in an overlap and moves forward by the gap's length in a gap.
 */
export function resolveLocal(local: LocalDateTime, timeZone: string, disambiguation: Disambiguation): ResolvedLocalTime {
  const asUtc = utcFromLocal(local);
  const offsetBefore = offsetAt(asUtc - MILLISECONDS_PER_DAY, timeZone);
  const offsetAfter = offsetAt(asUtc + MILLISECONDS_PER_DAY, timeZone);
  const candidates = [...new Set([asUtc - offsetBefore, asUtc - offsetAfter])]
    .filter((instant) => sameLocal(localIn(instant, timeZone), local))
    .sort((left, right) => left - right);
  const text = formatLocal(local);
  if (candidates.length === 1) return { instant: candidates[0]!, kind: 'exact' };
  if (candidates.length === 2) {
    if (disambiguation === 'reject') {
      throw new ToolError(`${text} occurs twice in ${timeZone} (clocks go back); choose disambiguation "earlier" or "later"`);
    }
    return { instant: disambiguation === 'later' ? candidates[1]! : candidates[0]!, kind: 'overlap' };
  }
  if (disambiguation === 'reject') {
    throw new ToolError(`${text} does not exist in ${timeZone} (clocks go forward); choose disambiguation "earlier" or "later"`);
  }
  return { instant: disambiguation === 'earlier' ? asUtc - offsetAfter : asUtc - offsetBefore, kind: 'gap' };
}

const pad = (value: number, width = 2): string => String(Math.abs(value)).padStart(width, '0');

/** `YYYY-MM-DDTHH:mm:ss`, with `.sss` only when there are milliseconds. */
export function formatLocal(local: LocalDateTime): string {
  const milliseconds = local.millisecond ? `.${pad(local.millisecond, 3)}` : '';
  return (
    `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}` +
    `T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}${milliseconds}`
  );
}

/** An offset in milliseconds as `+HH:MM` (or `+HH:MM:SS` for the odd historical offset). */
export function formatOffset(offset: number): string {
  const totalSeconds = Math.round(Math.abs(offset) / 1000);
  const seconds = totalSeconds % 60;
  const text = `${offset < 0 ? '-' : '+'}${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}`;
  return seconds ? `${text}:${pad(seconds)}` : text;
}

/** An instant as ISO 8601 in a zone, e.g. `2024-03-11T09:00:00+08:00`. */
export function formatInZone(instant: number, timeZone: string): string {
  return `${formatLocal(localIn(instant, timeZone))}${formatOffset(offsetAt(instant, timeZone))}`;
}

/** The zone's short name at an instant, e.g. "EST", "CEST" or "GMT+8" when it has none in English. */
export function abbreviationAt(instant: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(new Date(instant));
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** The weekday (0 = Sunday) of a wall-clock date. */
export function weekdayOf(local: LocalDateTime): number {
  return new Date(utcFromLocal({ ...local, hour: 0, minute: 0, second: 0, millisecond: 0 })).getUTCDay();
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return localFromUtc(utcFromLocal({ year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 })).day;
}

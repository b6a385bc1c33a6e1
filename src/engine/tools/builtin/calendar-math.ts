import { ToolError } from '../tool.js';
import {
  daysInMonth,
  localFromUtc,
  localIn,
  MILLISECONDS_PER_DAY,
  resolveLocal,
  utcFromLocal,
  type Disambiguation,
  type LocalDateTime,
} from './zoned-time.js';

/** An instant read from text, and whether the text gave its own UTC offset. */
export interface ParsedDate {
  instant: number;
  hadOffset: boolean;
  /** Set when the text was a wall-clock time in a DST gap or overlap. */
  kind: 'exact' | 'gap' | 'overlap';
}

/** A signed amount of each unit; calendar units move the wall clock, the others elapsed time. */
export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Instants the tools accept: years 1 to 9999. */
const earliest = utcFromLocal({ year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
const latest = utcFromLocal({ year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 999 });

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Throws unless the instant lies in years 1 to 9999. */
export function checkRange(instant: number): number {
  if (!Number.isFinite(instant) || instant < earliest || instant > latest) {
    throw new ToolError('The date is outside the supported years 1 to 9999');
  }
  return instant;
}

function offsetFromText(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  if (minutes > 18 * 60) throw new ToolError(`UTC offset ${text} is out of range`);
  return (text.startsWith('-') ? -minutes : minutes) * 60_000;
}

/**
 * Reads "now" or an ISO 8601 date or date-time (`2024-03-10`, `2024-03-10T14:30`, `2024-03-10 14:30:15.250+08:00`).
 * Text without an offset is a wall-clock time in `timeZone`.
 */
export function parseDateInput(
  text: string,
  options: { timeZone: string; now: Date; disambiguation?: Disambiguation },
): ParsedDate {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'now') return { instant: options.now.getTime(), hadOffset: true, kind: 'exact' };
  const match = isoPattern.exec(trimmed);
  if (!match) {
    throw new ToolError(`Cannot read the date "${text}": use ISO 8601 such as 2024-03-10 or 2024-03-10T14:30:00, optionally with Z or +08:00, or "now"`);
  }
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const local: LocalDateTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (local.year < 1 || local.month < 1 || local.month > 12 || local.day < 1 || local.day > daysInMonth(local.year, local.month)) {
    throw new ToolError(`"${text}" is not a valid calendar date`);
  }
  if (local.hour > 23 || local.minute > 59 || local.second > 59) throw new ToolError(`"${text}" is not a valid time of day`);
  if (offset !== undefined) {
    return { instant: checkRange(utcFromLocal(local) - offsetFromText(offset)), hadOffset: true, kind: 'exact' };
  }
  const resolved = resolveLocal(local, options.timeZone, options.disambiguation ?? 'compatible');
  return { instant: checkRange(resolved.instant), hadOffset: false, kind: resolved.kind };
}

const durationPattern =
  /^([+-])?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Reads an ISO 8601 duration such as `P1Y2M3DT4H5M6S`, `PT90M` or `-P2W`. */
export function parseIsoDuration(text: string): DurationParts {
  const match = durationPattern.exec(text.trim());
  if (!match || /^[+-]?PT?$/i.test(text.trim())) {
    throw new ToolError(`Cannot read the duration "${text}": use ISO 8601 such as P1Y2M3DT4H30M, PT90M or -P2W`);
  }
  const sign = match[1] === '-' ? -1 : 1;
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(2).map((part) => sign * Number(part ?? 0));
  for (const [value, unit] of [[years, 'years'], [months, 'months'], [weeks, 'weeks'], [days, 'days']] as const) {
    if (!Number.isInteger(value)) throw new ToolError(`The duration's ${unit} must be whole numbers`);
  }
  return { years: years!, months: months!, weeks: weeks!, days: days!, hours: hours!, minutes: minutes!, seconds: seconds! };
}

/**
 * Adds a duration the way a calendar does. Steps: move the wall clock by years and months
 * (clamping the day, so Jan 31 + 1 month = Feb 28/29), then by weeks and days; resolve that
 * wall-clock time in the zone; then add hours, minutes and seconds as elapsed time.
 */
export function addDuration(instant: number, timeZone: string, duration: DurationParts): number {
  let result = instant;
  const calendarDays = duration.weeks * 7 + duration.days;
  if (duration.years || duration.months || calendarDays) {
    const local = localIn(instant, timeZone);
    const monthIndex = local.year * 12 + (local.month - 1) + duration.years * 12 + duration.months;
    const year = Math.floor(monthIndex / 12);
    const month = monthIndex - year * 12 + 1;
    if (year < 1 || year > 9999) throw new ToolError('The date is outside the supported years 1 to 9999');
    const moved = { ...local, year, month, day: Math.min(local.day, daysInMonth(year, month)) };
    const shifted = localFromUtc(checkRange(utcFromLocal(moved) + calendarDays * MILLISECONDS_PER_DAY));
    result = resolveLocal(shifted, timeZone, 'compatible').instant;
  }
  const elapsed = (duration.hours * 3_600 + duration.minutes * 60 + duration.seconds) * 1_000;
  return checkRange(Math.round(result + elapsed));
}

const noDuration: DurationParts = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

/** The most `amount` whole units (months or days) that can be added to `start` without passing `end`. */
function wholeUnits(start: number, end: number, timeZone: string, unit: 'months' | 'days', estimate: number): number {
  let count = Math.max(0, estimate);
  while (count > 0 && addDuration(start, timeZone, { ...noDuration, [unit]: count }) > end) count -= 1;
  while (addDuration(start, timeZone, { ...noDuration, [unit]: count + 1 }) <= end) count += 1;
  return count;
}

/** A span as calendar units: whole years, months and days on the wall clock, then elapsed time. */
export interface CalendarDifference {
  negative: boolean;
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
  /** Whole months from the earlier date, and whole calendar days (with the fraction of the rest). */
  totalMonths: number;
  totalDays: number;
}

/**
 * Splits the span between two instants into calendar units in a zone. Steps: order the two; count
 * the whole months that fit (from the month difference, corrected by at most a step or two); then
 * the whole days after those months; the remainder is elapsed hours, minutes and seconds.
 */
export function calendarDifference(from: number, to: number, timeZone: string): CalendarDifference {
  const negative = to < from;
  const [start, end] = negative ? [to, from] : [from, to];
  const startLocal = localIn(start, timeZone);
  const endLocal = localIn(end, timeZone);
  const monthEstimate = (endLocal.year - startLocal.year) * 12 + (endLocal.month - startLocal.month);
  const totalMonths = wholeUnits(start, end, timeZone, 'months', monthEstimate);
  const afterMonths = addDuration(start, timeZone, { ...noDuration, months: totalMonths });
  const days = wholeUnits(afterMonths, end, timeZone, 'days', Math.floor((end - afterMonths) / MILLISECONDS_PER_DAY));
  const afterDays = addDuration(afterMonths, timeZone, { ...noDuration, days });
  let rest = end - afterDays;
  const wholeDays = wholeUnits(start, end, timeZone, 'days', Math.floor((end - start) / MILLISECONDS_PER_DAY));
  const afterWholeDays = addDuration(start, timeZone, { ...noDuration, days: wholeDays });
  const totalDays = wholeDays + (end - afterWholeDays) / MILLISECONDS_PER_DAY;
  const take = (size: number): number => {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    return amount;
  };
  const hours = take(3_600_000);
  const minutes = take(60_000);
  const seconds = take(1_000);
  return {
    negative,
    years: Math.floor(totalMonths / 12),
    months: totalMonths % 12,
    days,
    hours,
    minutes,
    seconds,
    milliseconds: rest,
    totalMonths,
    totalDays,
  };
}

import { Cron } from 'croner';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../platform/clock.js';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import {
  addDuration,
  calendarDifference,
  checkRange,
  parseDateInput,
  parseIsoDuration,
  type CalendarDifference,
  type DurationParts,
} from './calendar-math.js';
import {
  abbreviationAt,
  canonicalTimeZone,
  formatInZone,
  formatOffset,
  localIn,
  MILLISECONDS_PER_DAY,
  offsetAt,
  utcFromLocal,
  weekdayOf,
  WEEKDAYS,
  type LocalDateTime,
} from './zoned-time.js';

const timeZoneField = z.string().min(1).max(64).default('UTC').describe('IANA time zone, e.g. "UTC", "America/New_York", "Asia/Shanghai"');
const dateField = z
  .string()
  .min(1)
  .max(64)
  .describe('ISO 8601 date or date-time ("2024-03-10", "2024-03-10T14:30:00", "2024-03-10T14:30:00+08:00") or "now"; without an offset it is a wall-clock time in timeZone');
const disambiguationField = z
  .enum(['compatible', 'earlier', 'later', 'reject'])
  .default('compatible')
  .describe('For a wall-clock time skipped by a DST change ("gap") or repeated ("overlap"): compatible = earlier occurrence in an overlap and shift forward in a gap; earlier; later; or reject with an error');

/** ISO 8601 week-numbering year and week of a wall-clock date (weeks start on Monday; week 1 holds the first Thursday). */
function isoWeek(local: LocalDateTime): { year: number; week: number } {
  const midnight = utcFromLocal({ ...local, hour: 0, minute: 0, second: 0, millisecond: 0 });
  const thursday = midnight + (3 - ((weekdayOf(local) + 6) % 7)) * MILLISECONDS_PER_DAY;
  const year = new Date(thursday).getUTCFullYear();
  const januaryFirst = utcFromLocal({ year, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
  return { year, week: 1 + Math.floor((thursday - januaryFirst) / (7 * MILLISECONDS_PER_DAY)) };
}

/** An instant described in a zone: ISO text, offset and abbreviation. */
function describeInstant(instant: number, timeZone: string) {
  return {
    dateTime: formatInZone(instant, timeZone),
    timeZone,
    utcOffset: formatOffset(offsetAt(instant, timeZone)),
    abbreviation: abbreviationAt(instant, timeZone),
    weekday: WEEKDAYS[weekdayOf(localIn(instant, timeZone))]!,
  };
}

function currentTimeTool(clock: Clock) {
  return defineTool({
    name: 'current_time',
    category: 'datetime',
    description:
      'Returns the current date and time in an IANA time zone: ISO 8601 with offset, UTC, Unix time, the date ' +
      'components, weekday, day of year, ISO week, UTC offset, zone abbreviation and whether DST is in effect. ' +
      'Call it whenever the answer depends on today\'s date or the time.',
    inputSchema: z.object({ timeZone: timeZoneField }),
    async execute(input) {
      const timeZone = canonicalTimeZone(input.timeZone);
      const instant = clock.now().getTime();
      const local = localIn(instant, timeZone);
      const januaryFirst = utcFromLocal({ ...local, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
      const { year } = local;
      const standardOffset = Math.min(
        offsetAt(Date.UTC(year, 0, 1), timeZone),
        offsetAt(Date.UTC(year, 6, 1), timeZone),
      );
      return {
        ...describeInstant(instant, timeZone),
        utc: new Date(instant).toISOString(),
        unixSeconds: Math.floor(instant / 1000),
        year,
        month: local.month,
        day: local.day,
        hour: local.hour,
        minute: local.minute,
        second: local.second,
        dayOfYear: 1 + Math.floor((utcFromLocal({ ...local, hour: 0, minute: 0, second: 0, millisecond: 0 }) - januaryFirst) / MILLISECONDS_PER_DAY),
        isoWeek: isoWeek(local).week,
        isDaylightSavingTime: offsetAt(instant, timeZone) > standardOffset,
      };
    },
  });
}

/** A span in words, e.g. "1 year, 2 months, 3 days" or "-4 hours". */
function spanText(difference: CalendarDifference): string {
  const parts = (['years', 'months', 'days', 'hours', 'minutes', 'seconds'] as const)
    .filter((unit) => difference[unit] > 0)
    .map((unit) => `${difference[unit]} ${difference[unit] === 1 ? unit.slice(0, -1) : unit}`);
  return `${difference.negative ? '-' : ''}${parts.join(', ') || '0 seconds'}`;
}

function dateDiffTool(clock: Clock) {
  return defineTool({
    name: 'date_diff',
    category: 'datetime',
    description:
      'Measures the time between two dates: a calendar breakdown (years, months, days, hours, minutes, seconds) and ' +
      'totals in each unit. Calendar units follow the wall clock of timeZone, so a DST day counts as one day; ' +
      'totalDays and totalWeeks count calendar days plus the fraction of the rest, hours and smaller are elapsed time. ' +
      'Negative when "to" is before "from".',
    inputSchema: z.object({ from: dateField, to: dateField, timeZone: timeZoneField }),
    async execute(input) {
      const timeZone = canonicalTimeZone(input.timeZone);
      const now = clock.now();
      const from = parseDateInput(input.from, { timeZone, now }).instant;
      const to = parseDateInput(input.to, { timeZone, now }).instant;
      const difference = calendarDifference(from, to, timeZone);
      const sign = difference.negative ? -1 : 1;
      const elapsed = to - from;
      const round = (value: number): number => Math.round(value * 1e6) / 1e6;
      return {
        from: formatInZone(from, timeZone),
        to: formatInZone(to, timeZone),
        timeZone,
        negative: difference.negative,
        calendar: {
          years: difference.years,
          months: difference.months,
          days: difference.days,
          hours: difference.hours,
          minutes: difference.minutes,
          seconds: difference.seconds,
          milliseconds: difference.milliseconds,
        },
        totals: {
          years: sign * Math.floor(difference.totalMonths / 12),
          months: sign * difference.totalMonths,
          weeks: round((sign * difference.totalDays) / 7),
          days: round(sign * difference.totalDays),
          hours: round(elapsed / 3_600_000),
          minutes: round(elapsed / 60_000),
          seconds: elapsed / 1_000,
          milliseconds: elapsed,
        },
        text: spanText(difference),
      };
    },
  });
}

const amount = (unit: string) => z.number().min(-1e7).max(1e7).default(0).describe(`${unit} to add; negative to subtract`);
const wholeAmount = (unit: string) =>
  z.number().int().min(-1e7).max(1e7).default(0).describe(`Whole ${unit} to add; negative to subtract`);

function dateAddTool(clock: Clock) {
  return defineTool({
    name: 'date_add',
    category: 'datetime',
    description:
      'Adds or subtracts a duration to a date, calendar-aware: years, months, weeks and days move the wall clock in ' +
      'timeZone (Jan 31 + 1 month = Feb 28 or 29; a day across a DST change keeps the time of day), hours, minutes ' +
      'and seconds are elapsed time. Give the amounts as fields and/or an ISO 8601 duration such as "P1M2DT3H" or "-P2W".',
    inputSchema: z.object({
      date: dateField.default('now'),
      timeZone: timeZoneField,
      duration: z.string().max(64).optional().describe('ISO 8601 duration added on top of the fields, e.g. "P1Y2M3DT4H5M6S", "PT90M", "-P1D"'),
      years: wholeAmount('years'),
      months: wholeAmount('months'),
      weeks: wholeAmount('weeks'),
      days: wholeAmount('days'),
      hours: amount('Hours'),
      minutes: amount('Minutes'),
      seconds: amount('Seconds'),
    }),
    async execute(input) {
      const timeZone = canonicalTimeZone(input.timeZone);
      const start = parseDateInput(input.date, { timeZone, now: clock.now() }).instant;
      const extra = input.duration === undefined ? null : parseIsoDuration(input.duration);
      const keys = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
      const duration = Object.fromEntries(keys.map((key) => [key, input[key] + (extra?.[key] ?? 0)])) as unknown as DurationParts;
      const result = addDuration(start, timeZone, duration);
      const { dateTime, ...details } = describeInstant(result, timeZone);
      return { input: formatInZone(start, timeZone), result: dateTime, utc: new Date(result).toISOString(), ...details };
    },
  });
}

function timezoneConvertTool(clock: Clock) {
  return defineTool({
    name: 'timezone_convert',
    category: 'datetime',
    description:
      'Converts a date-time from one IANA time zone to another, DST-correct for that exact date (e.g. a 09:00 ' +
      'meeting in New York as Shanghai time). A wall-clock time skipped or repeated by a DST change is resolved by ' +
      'disambiguation and reported in "note".',
    inputSchema: z.object({
      dateTime: dateField,
      from: timeZoneField.describe('IANA time zone of dateTime when it has no offset, e.g. "America/New_York"'),
      to: z.string().min(1).max(64).describe('IANA time zone to convert to, e.g. "Asia/Shanghai"'),
      disambiguation: disambiguationField,
    }),
    async execute(input) {
      const from = canonicalTimeZone(input.from);
      const to = canonicalTimeZone(input.to);
      const parsed = parseDateInput(input.dateTime, { timeZone: from, now: clock.now(), disambiguation: input.disambiguation });
      const note =
        parsed.kind === 'gap'
          ? `${input.dateTime} does not exist in ${from} (clocks jump forward); read as ${formatInZone(parsed.instant, from)}`
          : parsed.kind === 'overlap'
            ? `${input.dateTime} occurs twice in ${from} (clocks go back); read as ${formatInZone(parsed.instant, from)}`
            : undefined;
      return {
        source: describeInstant(parsed.instant, from),
        target: describeInstant(parsed.instant, to),
        utc: new Date(parsed.instant).toISOString(),
        ...(note ? { note } : {}),
      };
    },
  });
}

function cronPreviewTool(clock: Clock) {
  return defineTool({
    name: 'cron_preview',
    category: 'datetime',
    description:
      'Lists the next run times of a cron expression in a time zone, to check a schedule before using it. Five ' +
      'fields (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" = 09:00 Monday to Friday) or six with ' +
      'seconds first; names like MON and JAN, ranges, lists, steps, L, W, # and nicknames like @daily are accepted.',
    inputSchema: z.object({
      expression: z.string().min(1).max(200).describe('The cron expression, e.g. "*/15 * * * *"'),
      timeZone: timeZoneField,
      count: z.number().int().min(1).max(100).default(5).describe('How many upcoming runs to list'),
      after: dateField.default('now').describe('List runs strictly after this date (ISO 8601 or "now"); default now'),
    }),
    async execute(input) {
      const timeZone = canonicalTimeZone(input.timeZone);
      const after = parseDateInput(input.after, { timeZone, now: clock.now() }).instant;
      let job: Cron;
      try {
        job = new Cron(input.expression.trim(), { timezone: timeZone, paused: true });
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
        throw new ToolError(`Invalid cron expression "${input.expression}": ${reason}`);
      }
      const runs = job.nextRuns(input.count, new Date(checkRange(after))).map((run) => ({
        ...describeInstant(run.getTime(), timeZone),
        utc: run.toISOString(),
      }));
      job.stop();
      return {
        expression: input.expression,
        timeZone,
        runs,
        ...(runs.length === 0 ? { note: 'The expression never matches a future date' } : {}),
      };
    },
  });
}

/** Builds the date and time tools around a clock, so tests can fix "now". */
export function createDatetimeTools(clock: Clock): RegisteredTool[] {
  return [currentTimeTool(clock), dateDiffTool(clock), dateAddTool(clock), timezoneConvertTool(clock), cronPreviewTool(clock)];
}

/** The date and time tools on the machine clock. */
export const datetimeTools: RegisteredTool[] = createDatetimeTools(systemClock);

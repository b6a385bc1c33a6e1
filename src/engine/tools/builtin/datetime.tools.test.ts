import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { FixedClock } from '../../../test-kit/fixed-clock.js';
import { createDatetimeTools } from './datetime.tools.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';

function toolsAt(now: string) {
  const tools = createDatetimeTools(new FixedClock(now));
  return {
    run: <Output = Record<string, unknown>>(name: string, input: unknown) => runTool<Output>(tools, name, input),
    failure: (name: string, input: unknown) => toolErrorOf(tools, name, input),
  };
}

const { run, failure } = toolsAt('2024-07-04T16:30:00.000Z');

describe('current_time', () => {
  it('describes the clock instant in the requested zone', async () => {
    expect(await run('current_time', { timeZone: 'Asia/Shanghai' })).toEqual({
      dateTime: '2024-07-05T00:30:00+08:00',
      timeZone: 'Asia/Shanghai',
      utcOffset: '+08:00',
      abbreviation: 'GMT+8',
      weekday: 'Friday',
      utc: '2024-07-04T16:30:00.000Z',
      unixSeconds: 1720110600,
      year: 2024,
      month: 7,
      day: 5,
      hour: 0,
      minute: 30,
      second: 0,
      dayOfYear: 187,
      isoWeek: 27,
      isDaylightSavingTime: false,
    });
  });

  it('knows daylight saving time, canonicalises the zone name and defaults to UTC', async () => {
    expect(await run('current_time', { timeZone: 'america/new_york' })).toMatchObject({
      dateTime: '2024-07-04T12:30:00-04:00',
      timeZone: 'America/New_York',
      abbreviation: 'EDT',
      weekday: 'Thursday',
      isDaylightSavingTime: true,
    });
    expect(await run('current_time', {})).toMatchObject({ timeZone: 'UTC', dateTime: '2024-07-04T16:30:00+00:00' });
  });

  it('numbers ISO weeks across the new year', async () => {
    expect(await toolsAt('2021-01-01T12:00:00Z').run('current_time', {})).toMatchObject({ isoWeek: 53, dayOfYear: 1, weekday: 'Friday' });
  });

  it('rejects unknown zones', async () => {
    expect((await failure('current_time', { timeZone: 'Mars/Olympus' })).message).toMatch(/Unknown time zone "Mars\/Olympus"/);
  });
});

describe('date_diff', () => {
  it('breaks a span into calendar units, clamping month ends', async () => {
    expect(await run('date_diff', { from: '2024-01-31', to: '2024-03-01' })).toMatchObject({
      negative: false,
      calendar: { years: 0, months: 1, days: 1, hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
      totals: { years: 0, months: 1, days: 30, hours: 720 },
      text: '1 month, 1 day',
    });
  });

  it('counts a DST day as one calendar day but 23 elapsed hours', async () => {
    const result = await run('date_diff', { from: '2024-03-09T12:00', to: '2024-03-11T12:00', timeZone: 'America/New_York' });

    expect(result).toMatchObject({
      from: '2024-03-09T12:00:00-05:00',
      to: '2024-03-11T12:00:00-04:00',
      calendar: { days: 2, hours: 0 },
      totals: { days: 2, hours: 47 },
    });
  });

  it('is negative when "to" is earlier, and mixes offsets and "now"', async () => {
    expect(await run('date_diff', { from: '2025-01-01', to: '2024-01-01' })).toMatchObject({
      negative: true,
      calendar: { years: 1, months: 0, days: 0 },
      totals: { years: -1, months: -12, days: -366 },
      text: '-1 year',
    });
    expect(await run('date_diff', { from: '2024-07-04T10:00:00-05:00', to: 'now' })).toMatchObject({
      calendar: { hours: 1, minutes: 30 },
      totals: { minutes: 90, seconds: 5400 },
      text: '1 hour, 30 minutes',
    });
  });

  it('rejects unreadable and impossible dates', async () => {
    expect((await failure('date_diff', { from: 'tomorrow', to: 'now' })).message).toMatch(/Cannot read the date "tomorrow"/);
    expect((await failure('date_diff', { from: '2023-02-29', to: 'now' })).message).toMatch(/not a valid calendar date/);
    expect((await failure('date_diff', { from: '2024-01-01T24:00', to: 'now' })).message).toMatch(/not a valid time of day/);
  });
});

describe('date_add', () => {
  it('adds calendar months with day clamping', async () => {
    expect(await run('date_add', { date: '2024-01-31', months: 1 })).toMatchObject({
      input: '2024-01-31T00:00:00+00:00',
      result: '2024-02-29T00:00:00+00:00',
      weekday: 'Thursday',
    });
  });

  it('keeps the wall-clock time for days across DST, but not for hours', async () => {
    const base = { date: '2024-03-09T12:00', timeZone: 'America/New_York' };

    expect((await run('date_add', { ...base, days: 1 })).result).toBe('2024-03-10T12:00:00-04:00');
    expect((await run('date_add', { ...base, hours: 24 })).result).toBe('2024-03-10T13:00:00-04:00');
  });

  it('accepts ISO 8601 durations, negative amounts and defaults to now', async () => {
    expect((await run('date_add', { date: '2024-01-01T00:00:00Z', duration: 'P1Y2M3DT4H5M6S' })).result).toBe('2025-03-04T04:05:06+00:00');
    expect((await run('date_add', { date: '2024-03-01', duration: '-P2W' })).result).toBe('2024-02-16T00:00:00+00:00');
    expect((await run('date_add', { date: '2024-03-01', days: -1, duration: 'PT90M' })).result).toBe('2024-02-29T01:30:00+00:00');
    expect(await run('date_add', { minutes: -30 })).toMatchObject({ utc: '2024-07-04T16:00:00.000Z' });
  });

  it('rejects bad durations and dates outside years 1 to 9999', async () => {
    expect((await failure('date_add', { duration: 'one week' })).message).toMatch(/Cannot read the duration "one week"/);
    expect((await failure('date_add', { duration: 'P' })).message).toMatch(/Cannot read the duration/);
    expect((await failure('date_add', { duration: 'P1.5M' })).message).toMatch(/months must be whole numbers/);
    expect((await failure('date_add', { date: '9999-12-01', months: 1 })).message).toMatch(/outside the supported years/);
    await expect(run('date_add', { days: 1.5 })).rejects.toThrow(ZodError);
  });
});

describe('timezone_convert', () => {
  it('uses the offset in force on that date on both sides', async () => {
    const winter = await run('timezone_convert', { dateTime: '2024-03-08T09:00', from: 'America/New_York', to: 'Asia/Shanghai' });
    const summer = await run('timezone_convert', { dateTime: '2024-03-11T09:00', from: 'America/New_York', to: 'Asia/Shanghai' });

    expect(winter).toMatchObject({
      source: { dateTime: '2024-03-08T09:00:00-05:00', abbreviation: 'EST' },
      target: { dateTime: '2024-03-08T22:00:00+08:00', weekday: 'Friday' },
      utc: '2024-03-08T14:00:00.000Z',
    });
    expect(winter).not.toHaveProperty('note');
    expect(summer).toMatchObject({ target: { dateTime: '2024-03-11T21:00:00+08:00' }, utc: '2024-03-11T13:00:00.000Z' });
  });

  it('resolves a time in the spring-forward gap and says so', async () => {
    const input = { dateTime: '2024-03-10T02:30', from: 'America/New_York', to: 'UTC' };

    const compatible = await run('timezone_convert', input);
    expect(compatible).toMatchObject({ utc: '2024-03-10T07:30:00.000Z', source: { dateTime: '2024-03-10T03:30:00-04:00' } });
    expect(compatible.note).toMatch(/does not exist in America\/New_York/);
    expect((await run('timezone_convert', { ...input, disambiguation: 'earlier' })).utc).toBe('2024-03-10T06:30:00.000Z');
    expect((await failure('timezone_convert', { ...input, disambiguation: 'reject' })).message).toMatch(/does not exist in America\/New_York \(clocks go forward\)/);
  });

  it('resolves a repeated time in the fall-back overlap', async () => {
    const input = { dateTime: '2024-11-03T01:30', from: 'America/New_York', to: 'Europe/London' };

    const earlier = await run('timezone_convert', input);
    expect(earlier).toMatchObject({ utc: '2024-11-03T05:30:00.000Z', source: { abbreviation: 'EDT' } });
    expect(earlier.note).toMatch(/occurs twice/);
    expect(await run('timezone_convert', { ...input, disambiguation: 'later' })).toMatchObject({
      utc: '2024-11-03T06:30:00.000Z',
      source: { abbreviation: 'EST' },
      target: { dateTime: '2024-11-03T06:30:00+00:00' },
    });
    expect((await failure('timezone_convert', { ...input, disambiguation: 'reject' })).message).toMatch(/occurs twice/);
  });

  it('ignores "from" when the date-time carries its own offset', async () => {
    const result = await run('timezone_convert', { dateTime: '2024-03-31T01:30:00Z', from: 'Asia/Tokyo', to: 'Europe/London' });

    expect(result).toMatchObject({ target: { dateTime: '2024-03-31T02:30:00+01:00', abbreviation: 'GMT+1' } });
  });

  it('rejects unknown zones on either side', async () => {
    expect((await failure('timezone_convert', { dateTime: '2024-01-01T00:00', from: 'UTC', to: 'Nowhere/City' })).message).toMatch(/Unknown time zone "Nowhere\/City"/);
  });
});

describe('cron_preview', () => {
  it('lists weekday 09:00 runs in Asia/Shanghai', async () => {
    const preview = await run<{ runs: { dateTime: string; utc: string; weekday: string }[] }>('cron_preview', {
      expression: '0 9 * * 1-5',
      timeZone: 'Asia/Shanghai',
      count: 3,
      after: '2024-03-08T00:00:00Z',
    });

    expect(preview.runs.map((entry) => [entry.dateTime, entry.utc, entry.weekday])).toEqual([
      ['2024-03-08T09:00:00+08:00', '2024-03-08T01:00:00.000Z', 'Friday'],
      ['2024-03-11T09:00:00+08:00', '2024-03-11T01:00:00.000Z', 'Monday'],
      ['2024-03-12T09:00:00+08:00', '2024-03-12T01:00:00.000Z', 'Tuesday'],
    ]);
  });

  it('starts after the clock by default and follows DST in the zone', async () => {
    const preview = await run<{ runs: { utc: string }[] }>('cron_preview', { expression: '0 12 * * *', timeZone: 'Europe/Paris', count: 2 });
    expect(preview.runs.map((entry) => entry.utc)).toEqual(['2024-07-05T10:00:00.000Z', '2024-07-06T10:00:00.000Z']);

    const acrossDst = await toolsAt('2024-10-26T00:00:00Z').run<{ runs: { utc: string }[] }>('cron_preview', {
      expression: '0 12 * * *',
      timeZone: 'Europe/Paris',
      count: 2,
    });
    expect(acrossDst.runs.map((entry) => entry.utc)).toEqual(['2024-10-26T10:00:00.000Z', '2024-10-27T11:00:00.000Z']);
  });

  it('explains invalid expressions and notes schedules that never run', async () => {
    expect((await failure('cron_preview', { expression: '61 * * * *' })).message).toMatch(/Invalid cron expression "61 \* \* \* \*": Invalid value for minute: 61/);
    expect((await failure('cron_preview', { expression: 'every day' })).message).toMatch(/Invalid cron expression/);
    expect(await run('cron_preview', { expression: '0 0 30 2 *' })).toMatchObject({ runs: [], note: expect.stringMatching(/never/) });
    await expect(run('cron_preview', { expression: '* * * * *', count: 1_000 })).rejects.toThrow(ZodError);
  });
});

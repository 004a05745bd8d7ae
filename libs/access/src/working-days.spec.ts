import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseCalendarFile } from './calendar-file.js';
import { addWorkingDays, CalendarDayKind, WorkingDayCalendar, workingDaysBetween } from './working-days.js';

const shipped = parseCalendarFile(readFileSync(new URL('./calendar/cn-2026-2027.json', import.meta.url), 'utf8'));
const china = new WorkingDayCalendar(shipped.years.flatMap((year) => year.days));

describe('working days (CST, Monday to Friday)', () => {
  it('puts the deadline at the end of the tenth working day after filing', () => {
    // Filed Monday 2026-03-02 10:00 CST → due the end of Monday 2026-03-16 CST.
    expect(addWorkingDays(new Date('2026-03-02T10:00:00+08:00'), 10).toISOString()).toBe('2026-03-16T15:59:59.999Z');
    // Filed on a Saturday: the count starts on Monday.
    expect(addWorkingDays(new Date('2026-03-07T10:00:00+08:00'), 1).toISOString()).toBe('2026-03-09T15:59:59.999Z');
  });

  it('counts the days in China time, not UTC', () => {
    // 2026-03-06 23:30 CST is a Friday in China (Friday 15:30 UTC): the next working day is Monday.
    expect(addWorkingDays(new Date('2026-03-06T23:30:00+08:00'), 1).toISOString()).toBe('2026-03-09T15:59:59.999Z');
  });

  it('counts the working days a request has waited', () => {
    expect(workingDaysBetween(new Date('2026-03-02T10:00:00+08:00'), new Date('2026-03-02T18:00:00+08:00'))).toBe(0);
    expect(workingDaysBetween(new Date('2026-03-06T10:00:00+08:00'), new Date('2026-03-09T09:00:00+08:00'))).toBe(1);
    expect(workingDaysBetween(new Date('2026-03-02T10:00:00+08:00'), new Date('2026-03-17T10:00:00+08:00'))).toBe(11);
  });
});

describe('working days with the public-holiday calendar (法定节假日 and 调休)', () => {
  it('a deadline across the Spring Festival skips the holiday week and counts both make-up Saturdays', () => {
    // Filed Friday 2026-02-13. Working days: Sat 02-14 (调休上班), then 02-15…02-23 is the
    // holiday, then Tue 02-24, Wed 02-25, Thu 02-26, Fri 02-27, Sat 02-28 (调休上班), Mon 03-02 …
    expect(china.addWorkingDays(new Date('2026-02-13T10:00:00+08:00'), 1).toISOString()).toBe('2026-02-14T15:59:59.999Z');
    expect(china.addWorkingDays(new Date('2026-02-13T10:00:00+08:00'), 2).toISOString()).toBe('2026-02-24T15:59:59.999Z');
    expect(china.addWorkingDays(new Date('2026-02-13T10:00:00+08:00'), 6).toISOString()).toBe('2026-02-28T15:59:59.999Z');
    // Ten working days: 02-14, 24, 25, 26, 27, 28, 03-02, 03, 04, 05.
    expect(china.addWorkingDays(new Date('2026-02-13T10:00:00+08:00'), 10).toISOString()).toBe('2026-03-05T15:59:59.999Z');
    // Monday to Friday alone would have said 2026-02-27, in the middle of nobody's working week.
    expect(addWorkingDays(new Date('2026-02-13T10:00:00+08:00'), 10).toISOString()).toBe('2026-02-27T15:59:59.999Z');
  });

  it('a deadline across the National Day week counts the make-up Saturday after it', () => {
    // Filed Wednesday 2026-09-30: 10-01…10-07 are off, Thu 10-08 and Fri 10-09 work, Sat 10-10 works (调休).
    expect(china.addWorkingDays(new Date('2026-09-30T16:00:00+08:00'), 3).toISOString()).toBe('2026-10-10T15:59:59.999Z');
    // The make-up Sunday before it (09-20) is a working day too.
    expect(china.workingDaysBetween(new Date('2026-09-19T09:00:00+08:00'), new Date('2026-09-20T18:00:00+08:00'))).toBe(1);
  });

  it('a plain weekend is still no working day, and a holiday Monday is none either', () => {
    // Filed Friday 2026-04-03: Sat 04-04, Sun 04-05 and Mon 04-06 (清明节) are off → Tuesday 04-07.
    expect(china.addWorkingDays(new Date('2026-04-03T10:00:00+08:00'), 1).toISOString()).toBe('2026-04-07T15:59:59.999Z');
    expect(china.workingDaysBetween(new Date('2026-04-03T10:00:00+08:00'), new Date('2026-04-07T10:00:00+08:00'))).toBe(1);
  });

  it('counts across the year boundary: 2026-12-31 → New Year’s Day 2027 is off, then the weekend', () => {
    // Thu 2026-12-31; Fri 2027-01-01 元旦 (provisional data); Sat, Sun; Mon 2027-01-04 is the first working day.
    expect(china.addWorkingDays(new Date('2026-12-31T10:00:00+08:00'), 1).toISOString()).toBe('2027-01-04T15:59:59.999Z');
    // And into 2026 from 2025, a year the calendar holds nothing for: Monday to Friday, then 元旦 2026.
    expect(china.addWorkingDays(new Date('2025-12-30T10:00:00+08:00'), 2).toISOString()).toBe('2026-01-04T15:59:59.999Z');
  });

  it('an administrator’s exception overrides the weekday rule both ways', () => {
    const calendar = new WorkingDayCalendar([
      { date: '2026-03-09', kind: CalendarDayKind.HOLIDAY },
      { date: '2026-03-14', kind: CalendarDayKind.WORKDAY },
    ]);
    expect(calendar.isWorkingDay(Date.UTC(2026, 2, 9) / 86_400_000)).toBe(false);
    expect(calendar.isWorkingDay(Date.UTC(2026, 2, 14) / 86_400_000)).toBe(true);
    expect(calendar.addWorkingDays(new Date('2026-03-06T10:00:00+08:00'), 5).toISOString()).toBe('2026-03-14T15:59:59.999Z');
  });

  it('the shipped file marks 2027 provisional and invents no make-up day for it', () => {
    const year2027 = shipped.years.find((year) => year.year === 2027)!;
    expect(year2027.provisional).toBe(true);
    expect(year2027.days.filter((day) => day.kind === CalendarDayKind.WORKDAY)).toEqual([]);
    const year2026 = shipped.years.find((year) => year.year === 2026)!;
    expect(year2026.provisional).toBe(false);
    expect(year2026.days.filter((day) => day.kind === CalendarDayKind.WORKDAY).map((day) => day.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });
});

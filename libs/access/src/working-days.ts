/**
 * Answer deadlines in working days (工作日), counted in China Standard Time (UTC+8, no daylight
 * saving). A day is a working day when the calendar says so: a public holiday (法定节假日, and the
 * days added to it by the State Council's arrangement) is not, a make-up working day (调休上班,
 * usually a Saturday or Sunday) is; any other day is a working day from Monday to Friday. A year
 * the calendar holds nothing for is counted Monday to Friday.
 *
 * The provider's answer to a request for conditional sharing is due within 10 working days, after
 * 《政务信息资源共享管理暂行办法》(国发〔2016〕51号); see docs/workflows.md for every deadline.
 */
export const ANSWER_DEADLINE_WORKING_DAYS = 10;

const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export enum CalendarDayKind {
  /** No work: a public holiday or a day the State Council's arrangement adds to one. */
  HOLIDAY = 'HOLIDAY',
  /** Work on a weekend day (调休上班). */
  WORKDAY = 'WORKDAY',
}

/** One exception to Monday–Friday: a date (YYYY-MM-DD, China time) and what it is. */
export interface CalendarException {
  date: string;
  kind: CalendarDayKind | `${CalendarDayKind}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a YYYY-MM-DD date, or null when it is no real date. */
export function dayOfDate(date: string): number | null {
  const match = ISO_DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const back = new Date(time);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return time / DAY_MS;
}

/** The YYYY-MM-DD date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days since the epoch of the CST calendar date an instant falls on. */
export function cstDay(at: Date): number {
  return Math.floor((at.getTime() + CST_OFFSET_MS) / DAY_MS);
}

/** The CST date (YYYY-MM-DD) an instant falls on. */
export function cstDate(at: Date): string {
  return dateOfDay(cstDay(at));
}

/** The last millisecond (23:59:59.999 CST) of a day. */
export function endOfCstDay(day: number): Date {
  return new Date((day + 1) * DAY_MS - CST_OFFSET_MS - 1);
}

/** Which days are worked: Monday to Friday, with the calendar's exceptions. Immutable. */
export class WorkingDayCalendar {
  private readonly exceptions: ReadonlyMap<number, CalendarDayKind>;

  constructor(days: readonly CalendarException[] = []) {
    const exceptions = new Map<number, CalendarDayKind>();
    for (const entry of days) {
      const day = dayOfDate(entry.date);
      if (day === null) throw new RangeError(`not a date: ${entry.date.slice(0, 20)}`);
      exceptions.set(day, entry.kind as CalendarDayKind);
    }
    this.exceptions = exceptions;
  }

  isWorkingDay(day: number): boolean {
    const exception = this.exceptions.get(day);
    if (exception === CalendarDayKind.HOLIDAY) return false;
    if (exception === CalendarDayKind.WORKDAY) return true;
    // Day 0 (1970-01-01) was a Thursday.
    const weekday = (((day + 4) % 7) + 7) % 7; // 0 Sunday … 6 Saturday
    return weekday !== 0 && weekday !== 6;
  }

  /** The end (23:59:59.999 CST) of the n-th working day after the day `from` falls on. */
  addWorkingDays(from: Date, days: number): Date {
    if (!Number.isInteger(days) || days < 0) throw new RangeError('working days must be a whole number of 0 or more');
    let day = cstDay(from);
    let counted = 0;
    while (counted < days) {
      day += 1;
      if (this.isWorkingDay(day)) counted += 1;
    }
    return endOfCstDay(day);
  }

  /** Working days from the day after `from` up to and including the day of `to` (0 on the same day). */
  workingDaysBetween(from: Date, to: Date): number {
    const start = cstDay(from);
    const end = cstDay(to);
    let count = 0;
    for (let day = start + 1; day <= end; day += 1) if (this.isWorkingDay(day)) count += 1;
    return count;
  }
}

/** Monday to Friday, no exceptions: what a calendar without data counts. */
export const WEEKDAYS_ONLY = new WorkingDayCalendar();

/** The end of the n-th working day after `from` (Monday to Friday unless a calendar is given). */
export function addWorkingDays(from: Date, days: number, calendar: WorkingDayCalendar = WEEKDAYS_ONLY): Date {
  return calendar.addWorkingDays(from, days);
}

/** Working days from the day after `from` up to and including the day of `to`. */
export function workingDaysBetween(from: Date, to: Date, calendar: WorkingDayCalendar = WEEKDAYS_ONLY): number {
  return calendar.workingDaysBetween(from, to);
}

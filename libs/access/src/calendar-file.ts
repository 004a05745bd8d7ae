import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CalendarDayKind, dayOfDate } from './working-days.js';

/** One day of a calendar file: a holiday or a make-up working day. */
export interface CalendarFileDay {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

/** One year of a calendar file, as the State Council's arrangement (or a provisional one) gives it. */
export interface CalendarFileYear {
  year: number;
  /** True while the official arrangement is not known: only what is certain is listed. */
  provisional: boolean;
  source: string;
  note?: string;
  days: CalendarFileDay[];
}

export interface CalendarFile {
  years: CalendarFileYear[];
}

/** The calendar shipped with Causeway (mainland China, 2026 and provisional 2027). */
export const SHIPPED_CALENDAR_FILE = 'cn-2026-2027.json';

export class CalendarFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CalendarFileError';
  }
}

const MAX_DAYS_PER_YEAR = 366;

/**
 * Reads a calendar file ({ years: [{ year, provisional, source, days: [{ date, kind, name }] }] })
 * and says every problem at once, each naming where it is; never echoes more than a short prefix.
 */
export function parseCalendarFile(text: string): CalendarFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CalendarFileError([`not JSON: ${(error as Error).message.slice(0, 120)}`]);
  }
  const problems: string[] = [];
  const years: CalendarFileYear[] = [];
  const yearsRaw = (raw as { years?: unknown } | null)?.years;
  if (!Array.isArray(yearsRaw) || yearsRaw.length === 0) throw new CalendarFileError(['years: must be a non-empty list of { year, provisional, source, days }']);
  const seenYears = new Set<number>();
  yearsRaw.forEach((entry: unknown, index) => {
    const where = `years[${index}]`;
    const value = (entry ?? {}) as Record<string, unknown>;
    const year = value.year;
    if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100) {
      problems.push(`${where}.year: must be a year from 2000 to 2100`);
      return;
    }
    if (seenYears.has(year)) problems.push(`${where}.year: ${year} is listed twice`);
    seenYears.add(year);
    if (typeof value.provisional !== 'boolean') problems.push(`${where}.provisional: must be true or false`);
    if (typeof value.source !== 'string' || !value.source.trim() || value.source.length > 500) problems.push(`${where}.source: must name the notice the days come from (1 to 500 characters)`);
    if (!Array.isArray(value.days) || value.days.length > MAX_DAYS_PER_YEAR) {
      problems.push(`${where}.days: must be a list of at most ${MAX_DAYS_PER_YEAR} { date, kind, name }`);
      return;
    }
    const days: CalendarFileDay[] = [];
    const seenDays = new Set<string>();
    value.days.forEach((dayEntry: unknown, dayIndex) => {
      const at = `${where}.days[${dayIndex}]`;
      const day = (dayEntry ?? {}) as Record<string, unknown>;
      const date = typeof day.date === 'string' ? day.date : '';
      if (dayOfDate(date) === null || !date.startsWith(`${year}-`)) problems.push(`${at}.date: must be a date of ${year} as YYYY-MM-DD, got "${String(day.date).slice(0, 20)}"`);
      else if (seenDays.has(date)) problems.push(`${at}.date: ${date} is listed twice`);
      seenDays.add(date);
      if (day.kind !== CalendarDayKind.HOLIDAY && day.kind !== CalendarDayKind.WORKDAY) problems.push(`${at}.kind: must be HOLIDAY or WORKDAY`);
      if (typeof day.name !== 'string' || !day.name.trim() || day.name.length > 100) problems.push(`${at}.name: must name the holiday (1 to 100 characters)`);
      days.push({ date, kind: day.kind as CalendarDayKind, name: typeof day.name === 'string' ? day.name.trim() : '' });
    });
    years.push({
      year,
      provisional: value.provisional === true,
      source: typeof value.source === 'string' ? value.source.trim() : '',
      note: typeof value.note === 'string' ? value.note : undefined,
      days,
    });
  });
  if (problems.length > 0) throw new CalendarFileError(problems.slice(0, 20));
  return { years };
}

/** The shipped calendar file, beside this module (scripts/build.mjs copies data files to dist/). */
export function shippedCalendarPath(): string {
  return fileURLToPath(new URL(`./calendar/${SHIPPED_CALENDAR_FILE}`, import.meta.url));
}

export function readShippedCalendar(): CalendarFile {
  return parseCalendarFile(readFileSync(shippedCalendarPath(), 'utf8'));
}

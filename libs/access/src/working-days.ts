/**
 * Answer deadlines in working days (工作日), after the rule that a provider answers a request
 * for conditional sharing within 10 working days (《政务信息资源共享管理暂行办法》). Counted in
 * China Standard Time (UTC+8, no daylight saving), Monday to Friday; public holidays and
 * make-up working days (调休) are not modelled yet.
 */
export const ANSWER_DEADLINE_WORKING_DAYS = 10;

const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Days since the epoch of the CST calendar date an instant falls on. */
function cstDay(at: Date): number {
  return Math.floor((at.getTime() + CST_OFFSET_MS) / DAY_MS);
}

function isWorkingDay(day: number): boolean {
  // Day 0 (1970-01-01) was a Thursday.
  const weekday = (day + 4) % 7; // 0 Sunday … 6 Saturday
  return weekday !== 0 && weekday !== 6;
}

/** The end (23:59:59.999 CST) of the n-th working day after the day `from` falls on. */
export function addWorkingDays(from: Date, days: number): Date {
  let day = cstDay(from);
  let counted = 0;
  while (counted < days) {
    day += 1;
    if (isWorkingDay(day)) counted += 1;
  }
  return new Date((day + 1) * DAY_MS - CST_OFFSET_MS - 1);
}

/** Working days from the day after `from` up to and including the day of `to` (0 on the same day). */
export function workingDaysBetween(from: Date, to: Date): number {
  const start = cstDay(from);
  const end = cstDay(to);
  let count = 0;
  for (let day = start + 1; day <= end; day += 1) if (isWorkingDay(day)) count += 1;
  return count;
}

import { describe, expect, it } from '@jest/globals';
import { addWorkingDays, workingDaysBetween } from './working-days.js';

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

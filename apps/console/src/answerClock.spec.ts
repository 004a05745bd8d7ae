import { describe, expect, it } from '@jest/globals';
import { answerClock } from './answerClock';

const NOW = new Date('2026-12-07T02:00:00.000Z');
const pending = (deadline: string, overdue = false) => ({ status: 'PENDING', deadline, overdue });

describe('the answer clock of an access request', () => {
  it('counts down the days and hours to the deadline', () => {
    expect(answerClock(pending('2026-12-10T06:30:00.000Z'), NOW)).toEqual({ kind: 'due', days: 3, hours: 4, urgent: false });
  });

  it('is urgent in the last day', () => {
    expect(answerClock(pending('2026-12-07T20:00:00.000Z'), NOW)).toEqual({ kind: 'due', days: 0, hours: 18, urgent: true });
  });

  it('is overdue once the deadline has passed, or when the API says so (its working-day calendar decides)', () => {
    expect(answerClock(pending('2026-12-06T23:00:00.000Z'), NOW)).toEqual({ kind: 'overdue', hoursLate: 3 });
    expect(answerClock(pending('2026-12-09T00:00:00.000Z', true), NOW)).toEqual({ kind: 'overdue', hoursLate: 0 });
  });

  it('stops once the request is answered or withdrawn', () => {
    expect(answerClock({ status: 'APPROVED', deadline: '2026-12-01T00:00:00.000Z', overdue: false }, NOW)).toEqual({ kind: 'answered' });
  });
});

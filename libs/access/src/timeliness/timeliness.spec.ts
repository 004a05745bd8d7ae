import { describe, expect, it } from '@jest/globals';
import { Role, type Principal } from '@causeway/core';
import { WorkingDayCalendar } from '../working-days.js';
import { oversightOf, providerTimeliness, type TimelinessRow } from './timeliness.js';

const CITY = ['GZ-DATA'];
const principal = (department: string | null, roles: Role[]): Principal => ({
  kind: 'USER',
  id: 'u',
  label: 'user:u',
  departmentId: department ? `id-${department}` : null,
  departmentCode: department,
  divisionCode: null,
  roles,
});

describe('oversight of access requests', () => {
  it('gives the data bureau and city auditors every department, other auditors and stewards their own, anyone else nothing', () => {
    expect(oversightOf(principal('DG-AMR', [Role.ADMIN]), CITY)).toEqual({ kind: 'all' });
    expect(oversightOf(principal('GZ-DATA', [Role.AUDITOR]), CITY)).toEqual({ kind: 'all' });
    expect(oversightOf(principal('DG-AMR', [Role.AUDITOR]), CITY)).toEqual({ kind: 'department', departmentId: 'id-DG-AMR' });
    expect(oversightOf(principal('GZ-DATA', [Role.STEWARD]), CITY)).toEqual({ kind: 'department', departmentId: 'id-GZ-DATA' });
    expect(oversightOf(principal('GZ-DATA', [Role.ANALYST]), CITY)).toBeNull();
    expect(oversightOf(principal(null, [Role.AUDITOR]), CITY)).toBeNull();
  });
});

describe('answer times per provider', () => {
  // Monday 2026-03-02 10:00 CST; the deadline is the end of the tenth working day, Monday 2026-03-16.
  const filed = new Date('2026-03-02T10:00:00+08:00');
  const deadline = new Date('2026-03-16T23:59:59.999+08:00');
  const row = (provider: string, status: TimelinessRow['status'], decidedAt: string | null): TimelinessRow => ({
    provider,
    status,
    createdAt: filed,
    deadline,
    decidedAt: decidedAt ? new Date(decidedAt) : null,
  });

  it('counts answers in time and late, pending and overdue, and the working days answers took', () => {
    const rows = [
      row('DG-PSB', 'APPROVED', '2026-03-03T09:00:00+08:00'), // 1 working day
      row('DG-PSB', 'REJECTED', '2026-03-09T09:00:00+08:00'), // 5 (the weekend does not count)
      row('DG-PSB', 'APPROVED', '2026-03-18T09:00:00+08:00'), // 12: late
      row('DG-PSB', 'PENDING', null),
      row('DG-PSB', 'WITHDRAWN', '2026-03-04T09:00:00+08:00'),
      row('DG-AMR', 'PENDING', null),
    ];
    const [amr, psb] = providerTimeliness(rows, new WorkingDayCalendar(), new Date('2026-03-20T00:00:00+08:00'));
    expect(amr).toMatchObject({ providerDepartmentCode: 'DG-AMR', received: 1, pending: 1, overdue: 1, answered: 0, medianAnswerWorkingDays: null, maxAnswerWorkingDays: null });
    expect(psb).toEqual({
      providerDepartmentCode: 'DG-PSB',
      received: 5,
      pending: 1,
      overdue: 1,
      approved: 2,
      rejected: 1,
      withdrawn: 1,
      answered: 3,
      answeredInTime: 2,
      answeredLate: 1,
      medianAnswerWorkingDays: 5,
      averageAnswerWorkingDays: 6,
      maxAnswerWorkingDays: 12,
    });
  });

  it('a pending request before its deadline is not overdue, and an even count of answers takes the middle two for the median', () => {
    const rows = [row('DG-PSB', 'APPROVED', '2026-03-03T09:00:00+08:00'), row('DG-PSB', 'APPROVED', '2026-03-05T09:00:00+08:00'), row('DG-PSB', 'PENDING', null)];
    const [psb] = providerTimeliness(rows, new WorkingDayCalendar(), new Date('2026-03-10T00:00:00+08:00'));
    expect(psb).toMatchObject({ pending: 1, overdue: 0, medianAnswerWorkingDays: 2, averageAnswerWorkingDays: 2 });
  });
});

import { hasRole, Role, type Principal } from '@causeway/core';
import type { WorkingDayCalendar } from '../working-days.js';

/**
 * Whose access requests and workflow items a principal oversees: every department's (the data
 * bureau, ADMIN; auditors of a city-level department) or those touching its own department (its
 * auditors and stewards), the same split as the audit trail's. Null: none.
 */
export type Oversight = { kind: 'all' } | { kind: 'department'; departmentId: string } | null;

export function oversightOf(principal: Principal, cityDepartments: readonly string[]): Oversight {
  if (hasRole(principal, Role.ADMIN)) return { kind: 'all' };
  if (!principal.departmentId || !principal.departmentCode) return null;
  if (hasRole(principal, Role.AUDITOR) && cityDepartments.includes(principal.departmentCode)) return { kind: 'all' };
  if (hasRole(principal, Role.AUDITOR, Role.STEWARD)) return { kind: 'department', departmentId: principal.departmentId };
  return null;
}

/** One access request as the statistics need it. */
export interface TimelinessRow {
  provider: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';
  createdAt: Date;
  deadline: Date;
  decidedAt: Date | null;
}

export interface ProviderTimeliness {
  providerDepartmentCode: string;
  received: number;
  pending: number;
  overdue: number;
  approved: number;
  rejected: number;
  withdrawn: number;
  answered: number;
  answeredInTime: number;
  answeredLate: number;
  medianAnswerWorkingDays: number | null;
  averageAnswerWorkingDays: number | null;
  maxAnswerWorkingDays: number | null;
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Per provider department: requests received, still pending (and of those, past their deadline
 * at `now`), answered (approved or rejected) by their deadline or late, and how many working days
 * the answers took (the unit of the legal deadline). A withdrawn request is no answer.
 */
export function providerTimeliness(rows: readonly TimelinessRow[], calendar: WorkingDayCalendar, now: Date): ProviderTimeliness[] {
  const byProvider = new Map<string, TimelinessRow[]>();
  for (const row of rows) byProvider.set(row.provider, [...(byProvider.get(row.provider) ?? []), row]);
  return [...byProvider.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, requests]) => {
      const answered = requests.filter((row) => (row.status === 'APPROVED' || row.status === 'REJECTED') && row.decidedAt);
      const days = answered.map((row) => calendar.workingDaysBetween(row.createdAt, row.decidedAt!)).sort((a, b) => a - b);
      const inTime = answered.filter((row) => row.decidedAt!.getTime() <= row.deadline.getTime()).length;
      const pending = requests.filter((row) => row.status === 'PENDING');
      return {
        providerDepartmentCode: provider,
        received: requests.length,
        pending: pending.length,
        overdue: pending.filter((row) => row.deadline.getTime() < now.getTime()).length,
        approved: requests.filter((row) => row.status === 'APPROVED').length,
        rejected: requests.filter((row) => row.status === 'REJECTED').length,
        withdrawn: requests.filter((row) => row.status === 'WITHDRAWN').length,
        answered: answered.length,
        answeredInTime: inTime,
        answeredLate: answered.length - inTime,
        medianAnswerWorkingDays: median(days),
        averageAnswerWorkingDays: days.length ? Math.round((days.reduce((sum, day) => sum + day, 0) / days.length) * 10) / 10 : null,
        maxAnswerWorkingDays: days.length ? days.at(-1)! : null,
      };
    });
}

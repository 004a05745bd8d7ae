import { hasRole, Role, type Principal } from '@causeway/core';

/** Which events an auditor may see. */
export type AuditScope = { kind: 'city' } | { kind: 'department'; department: string } | { kind: 'none' };

/**
 * City auditors (ADMIN, or AUDITOR in one of the city-level departments, AUDIT_CITY_DEPARTMENTS)
 * see every event. A department's auditors see the events that touch their department: as the
 * caller's department (consumer) or as the other side (provider, or the department an
 * administrative act concerns). Anyone else sees nothing.
 */
export function auditScopeOf(principal: Principal, cityDepartments: readonly string[]): AuditScope {
  if (hasRole(principal, Role.ADMIN)) return { kind: 'city' };
  if (!hasRole(principal, Role.AUDITOR) || !principal.departmentCode) return { kind: 'none' };
  if (cityDepartments.includes(principal.departmentCode)) return { kind: 'city' };
  return { kind: 'department', department: principal.departmentCode };
}

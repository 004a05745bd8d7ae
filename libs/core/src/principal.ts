import type { Role } from './roles.js';

export type PrincipalKind = 'USER' | 'CLIENT' | 'ANONYMOUS';

/** Who is calling: resolved once per request from the bearer credential. */
export interface Principal {
  kind: PrincipalKind;
  id: string;
  /** Human-readable label for logs and audit, e.g. "user:li.na@amr.gov.cn" or "client:tax-system". */
  label: string;
  departmentId: string | null;
  departmentCode: string | null;
  divisionCode: string | null;
  roles: readonly Role[];
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'ANONYMOUS',
  id: 'anonymous',
  label: 'anonymous',
  departmentId: null,
  departmentCode: null,
  divisionCode: null,
  roles: [],
});

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

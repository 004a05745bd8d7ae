import { createContext, useContext } from 'react';
import type { MeData } from './operations';
import type { Role } from './model';

export type Me = MeData['me'];
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export function hasRole(me: Me, ...roles: Role[]): boolean {
  return roles.some((role) => me.roles.includes(role));
}

/** Formats an ISO time for the reader (local time, 24-hour). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

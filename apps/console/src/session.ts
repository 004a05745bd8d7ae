/** The signed-in person's token, kept in localStorage so a reload keeps the session until it expires. */
export interface Session {
  token: string;
  expiresAt: string;
  email: string;
  displayName: string;
  /** The password is a temporary one an administrator set: the console asks for a new one first. */
  mustChangePassword?: boolean;
}

const KEY = 'causeway.session';
type Listener = (session: Session | null, reason: 'login' | 'logout' | 'expired') => void;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    if (!stored || Date.parse(stored.expiresAt) <= Date.now()) return null;
    return stored;
  } catch {
    return null;
  }
}

/** A session from the API's LoginResult (login, or changePassword, which ends every earlier token). */
export function sessionOf(result: { token: string; expiresAt: string; mustChangePassword: boolean; user: { email: string; displayName: string } }): Session {
  return { token: result.token, expiresAt: result.expiresAt, email: result.user.email, displayName: result.user.displayName, mustChangePassword: result.mustChangePassword };
}

export function startSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
  for (const listener of listeners) listener(session, 'login');
}

export function endSession(reason: 'logout' | 'expired'): void {
  if (localStorage.getItem(KEY) === null && reason === 'expired') return;
  localStorage.removeItem(KEY);
  for (const listener of listeners) listener(null, reason);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

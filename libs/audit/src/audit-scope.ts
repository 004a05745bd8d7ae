import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditOutcome } from './audit.types.js';

/** The outcomes recorded while one operation runs (AuditService.record notes them; the interceptor reads them). */
export interface AuditScopeState {
  outcomes: AuditOutcome[];
  /** Tells the audit writer this operation has queued its event or finished (see AuditWriter.begin). */
  settle?: () => void;
}

export const auditScope = new AsyncLocalStorage<AuditScopeState>();

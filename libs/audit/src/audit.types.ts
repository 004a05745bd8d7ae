import { registerEnumType } from '@nestjs/graphql';

/** How an exchange ended: served, refused (with a reason) or failed. */
export enum AuditOutcome {
  ALLOWED = 'ALLOWED',
  DENIED = 'DENIED',
  ERROR = 'ERROR',
}

registerEnumType(AuditOutcome, { name: 'AuditOutcome', description: 'ALLOWED, DENIED (with a reason) or ERROR.' });

/** A grant an exchange was served under, with the grant's version at that moment. */
export interface AuditGrantRef {
  id: string;
  version?: number | null;
}

/**
 * What a context tells the audit trail about one exchange or administrative act (ARCHITECTURE §6).
 * Who (principal, department, client IP, request id) comes from the RequestContext.
 */
export interface AuditEventInput {
  /** What happened, e.g. `records.query`, `aggregate`, `ingest.upload`, `grant.revoke`, `auth.login`. */
  action: string;
  outcome: AuditOutcome | `${AuditOutcome}`;
  /** Dataset code (资源代码), when the act concerns one. */
  dataset?: string | null;
  version?: number | null;
  /**
   * The department on the other side of the exchange: the dataset's provider, or the department an
   * administrative act concerns. Department auditors see events where their department is either
   * the caller's or this one.
   */
  providerDepartment?: string | null;
  /** What an administrative act was done to, e.g. `client:DG-AMR/amr-system`, `user:li@amr.gov.cn`. */
  target?: string | null;
  fieldsRequested?: readonly string[];
  fieldsClear?: readonly string[];
  fieldsMasked?: readonly string[];
  fieldsRefused?: readonly string[];
  rowsReturned?: number | null;
  /** The row scope applied (the grant's where-filter after consumer substitution). */
  rowScope?: unknown;
  grantIds?: readonly string[];
  /** Grants with their versions; merged with grantIds. */
  grants?: readonly AuditGrantRef[];
  /** Defaults to the request's X-Purpose. */
  purpose?: string | null;
  /** Defaults to the request's X-User-Id. */
  endUserId?: string | null;
  /** Why it was denied or failed; a short, safe text (never data values). */
  reason?: string | null;
  /** Defaults to the time since the request started. */
  durationMs?: number | null;
  /** Anything else worth keeping (small, JSON-serialisable), e.g. an ingest report's counts. */
  detail?: Record<string, unknown> | null;
}

/** Proof that an event is durably committed: its place in the chain. */
export interface AuditReceipt {
  seq: number;
  hash: string;
  at: Date;
}

/** An event as stored and hashed: every field the chain covers, normalised. */
export interface AuditRecord {
  seq: number;
  at: string;
  action: string;
  outcome: AuditOutcome;
  principal: string;
  principalId: string;
  principalKind: string;
  department: string | null;
  providerDepartment: string | null;
  clientIp: string | null;
  requestId: string;
  endUserId: string | null;
  purpose: string | null;
  dataset: string | null;
  version: number | null;
  target: string | null;
  fieldsRequested: string[];
  fieldsClear: string[];
  fieldsMasked: string[];
  fieldsRefused: string[];
  rowsReturned: number | null;
  /** Canonical JSON text of the row scope, or null. */
  rowScope: string | null;
  grantIds: string[];
  /** Parallel to grantIds; -1 when the grant's version was not given. */
  grantVersions: number[];
  reason: string | null;
  /** Canonical JSON text of the detail object, or null. */
  detail: string | null;
  durationMs: number | null;
}

/** A stored event: the record plus its place in the chain. */
export interface ChainedAuditRecord extends AuditRecord {
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

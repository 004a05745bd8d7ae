import type { KeyObject } from 'node:crypto';
import type { AuditOutcome, ChainedAuditRecord } from './audit.types.js';
import { checkpointSignatureValid, type SignedCheckpoint } from './checkpoint.js';
import { ChainVerifier, type ChainVerdict } from './verifier.js';

/** Runs one SQL statement and answers its rows (a TypeORM query runner or a pg client, adapted). */
export type RunQuery = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Every column of an event. The time is read as text with microseconds: a hand-edited time that
 * differs below the millisecond would otherwise read back equal and escape the hash.
 */
export const EVENT_COLUMNS = `seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at_text, action, outcome, principal, principal_id,
  principal_kind, department, provider_department, client_ip, request_id, end_user_id, purpose, dataset, version, target,
  fields_requested, fields_clear, fields_masked, fields_refused, rows_returned, row_scope, grant_ids, grant_versions, reason,
  detail, duration_ms, prev_hash, hash`;

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** "2026-11-21T10:00:00.042000" → "2026-11-21T10:00:00.042Z" (as chained); sub-millisecond digits are kept, so they fail the hash. */
export function isoFromDatabase(value: string): string {
  const micro = value.slice(-3);
  return micro === '000' ? `${value.slice(0, -3)}Z` : `${value}Z`;
}

export function recordFromRow(row: Record<string, unknown>): ChainedAuditRecord {
  return {
    seq: Number(row.seq),
    at: isoFromDatabase(String(row.at_text)),
    action: String(row.action),
    outcome: String(row.outcome) as AuditOutcome,
    principal: String(row.principal),
    principalId: String(row.principal_id),
    principalKind: String(row.principal_kind),
    department: text(row.department),
    providerDepartment: text(row.provider_department),
    clientIp: text(row.client_ip),
    requestId: String(row.request_id),
    endUserId: text(row.end_user_id),
    purpose: text(row.purpose),
    dataset: text(row.dataset),
    version: num(row.version),
    target: text(row.target),
    fieldsRequested: list(row.fields_requested),
    fieldsClear: list(row.fields_clear),
    fieldsMasked: list(row.fields_masked),
    fieldsRefused: list(row.fields_refused),
    rowsReturned: num(row.rows_returned),
    rowScope: text(row.row_scope),
    grantIds: list(row.grant_ids),
    grantVersions: Array.isArray(row.grant_versions) ? row.grant_versions.map((value) => Number(value)) : [],
    reason: text(row.reason),
    detail: text(row.detail),
    durationMs: num(row.duration_ms),
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

export function checkpointFromRow(row: Record<string, unknown>): SignedCheckpoint {
  return {
    seq: Number(row.seq),
    hash: String(row.hash),
    at: row.at instanceof Date ? row.at.toISOString() : String(row.at),
    keyId: String(row.key_id),
    signature: String(row.signature),
  };
}

/** Events with from ≤ seq ≤ to, in chain order, read page by page (keyset on seq and hash, so duplicates are neither skipped nor repeated). */
export async function* readEvents(run: RunQuery, from: number, to: number | null = null, pageSize = 5_000): AsyncGenerator<ChainedAuditRecord> {
  let after: [number, string] | null = null;
  while (true) {
    const params: unknown[] = after ? [after[0], after[1]] : [from, null];
    const bound = to === null ? '' : `and seq <= $${params.push(to)}`;
    const rows = await run(
      `select ${EVENT_COLUMNS} from audit_event where ${after ? '(seq, hash) > ($1, $2)' : 'seq >= $1 and $2::text is null'} ${bound} order by seq, hash limit $${params.push(pageSize)}`,
      params,
    );
    for (const row of rows) yield recordFromRow(row);
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = [Number(last.seq), String(last.hash)];
  }
}

export interface StoredChainOptions {
  /** Start at this seq, trusting the stored hash of the event before it. */
  from?: number;
  /** Trusted public keys, by key id. */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** Checkpoints from outside the database (exported files, the data folder's log). */
  extraCheckpoints?: readonly SignedCheckpoint[];
}

export interface StoredChainVerdict extends ChainVerdict {
  head: { seq: number; hash: string };
}

/**
 * Verifies the stored chain against its head row and every checkpoint. Run it inside one
 * REPEATABLE READ transaction so that the head, the rows and the checkpoints are one snapshot
 * while other processes keep writing.
 */
export async function verifyStoredChain(run: RunQuery, options: StoredChainOptions): Promise<StoredChainVerdict> {
  const [headRow] = await run('select seq, hash from audit_chain_head where id = 1');
  if (!headRow) throw new Error('audit_chain_head has no row: the audit migration has not run');
  const head = { seq: Number(headRow.seq), hash: String(headRow.hash) };
  const from = Math.max(1, Math.floor(options.from ?? 1));
  let anchor: { seq: number; hash: string } | undefined;
  if (from > 1) {
    const rows = await run('select hash from audit_event where seq = $1', [from - 1]);
    if (rows.length !== 1) throw new Error(`cannot start at ${from}: event ${from - 1} is ${rows.length === 0 ? 'missing' : 'duplicated'}; verify from 1`);
    anchor = { seq: from - 1, hash: String(rows[0]!.hash) };
  }
  const stored = (await run('select seq, hash, at, key_id, signature from audit_checkpoint where seq >= $1 order by seq', [from])).map(checkpointFromRow);
  const verifier = new ChainVerifier({
    anchor,
    head,
    checkpoints: [...stored, ...(options.extraCheckpoints ?? []).filter((checkpoint) => checkpoint.seq >= from)],
    checkpointValid: (checkpoint) => checkpointSignatureValid(checkpoint, options.publicKeys),
  });
  for await (const record of readEvents(run, from)) if (!verifier.push(record)) break;
  return { ...verifier.finish(), head };
}

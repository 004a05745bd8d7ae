import { createHash } from 'node:crypto';
import { clipEchoes, type RequestContext } from '@causeway/core';
import { AuditOutcome, type AuditEventInput, type AuditRecord, type ChainedAuditRecord } from './audit.types.js';

/** Version tag inside every canonical encoding, so the format can evolve without ambiguity. */
export const CANONICAL_VERSION = 1;

const NEEDS_CARE = /[\0\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What one event may hold: texts and labels in characters, lists in entries, JSON values (row scope, detail) in characters of their canonical encoding. */
export const AUDIT_EVENT_LIMITS: Readonly<{ text: number; label: number; list: number; json: number }> = { text: 2_000, label: 300, list: 500, json: 20_000 };
const LIMITS = AUDIT_EVENT_LIMITS;

/** Ends a value that was shortened to fit the event, so that a reader never takes it for the whole. */
export const SHORTENED = '…';

/** A text cut to `max` characters plus the SHORTENED mark, never ending on the first half of a surrogate pair. */
function shortenedText(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return `${value.slice(0, end)}${SHORTENED}`;
}

/**
 * PostgreSQL text cannot hold NUL, and a lone surrogate would come back from the database as
 * U+FFFD: both would make a stored event hash differently from the one that was chained. A text
 * longer than `max` is cut and ends with SHORTENED (the result is at most `max` characters).
 */
export function storableText(value: string, max: number): string {
  if (value.length <= max && !NEEDS_CARE.test(value)) return value;
  const clean = value.replace(/\0/g, '');
  const cut = clean.length <= max ? clean : shortenedText(clean, Math.max(max - SHORTENED.length, 0));
  return cut.replace(LONE_SURROGATE, '\uFFFD');
}

function optionalText(value: string | null | undefined, max = LIMITS.text): string | null {
  if (value === undefined || value === null) return null;
  return storableText(String(value), max);
}

/** At most LIMITS.list entries; a longer list keeps its first entries and ends with a marker saying how many were left out. */
function textList(values: readonly string[] | undefined): string[] {
  const all = values ?? [];
  const kept = all.length <= LIMITS.list ? all : all.slice(0, LIMITS.list - 1);
  const list = kept.map((value) => storableText(String(value), LIMITS.label));
  if (all.length > LIMITS.list) list.push(`${SHORTENED}${all.length - kept.length} more`);
  return list;
}

function optionalInt(value: number | null | undefined, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value)) throw new TypeError(`audit ${what} must be a finite number`);
  return Math.max(Math.min(Math.round(value), Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

/**
 * JSON with object keys sorted by code unit and no whitespace, so that equal values always encode
 * to equal bytes. Only JSON values are accepted; numbers must be finite.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no encoding for a non-finite number');
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no encoding for a ${typeof value}`);
  }
}

/** Key of the mark on a JSON value that was shortened to fit the event. */
export const TRUNCATED_KEY = '_truncated';

/** Steps of shortening, from gentle to severe: longest text kept, most list entries / object keys kept, deepest nesting kept. */
const SHORTENING_STEPS = [
  { text: 1_000, entries: 100, depth: 8 },
  { text: 200, entries: 20, depth: 6 },
  { text: 64, entries: 5, depth: 4 },
] as const;

type Shortening = (typeof SHORTENING_STEPS)[number];

/** The value with every text, list and object cut to the step's bounds; each cut is marked where it happened. */
function shortenedValue(value: unknown, step: Shortening, depth: number): unknown {
  if (typeof value === 'string') return shortenedText(value, step.text);
  if (typeof value === 'bigint') return shortenedText(value.toString(), step.text);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= step.depth) return SHORTENED;
  if (Array.isArray(value)) {
    const kept = value.slice(0, step.entries).map((item) => shortenedValue(item, step, depth + 1));
    return value.length > step.entries ? [...kept, `${SHORTENED}${value.length - step.entries} more`] : kept;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const kept = entries.slice(0, step.entries).map(([key, item]) => [shortenedText(key, step.text), shortenedValue(item, step, depth + 1)] as const);
  const shortened: Record<string, unknown> = Object.fromEntries(kept);
  if (entries.length > step.entries) shortened[SHORTENED] = `${entries.length - step.entries} more keys`;
  return shortened;
}

/**
 * Canonical JSON of a value, at most `max` characters, and always valid JSON: a value too large is
 * shortened structurally (texts cut, lists and objects thinned, deep nesting replaced), never cut
 * mid-text, and marked `"_truncated": true` with the size of the full encoding. The hash chain
 * covers exactly this text.
 */
export function boundedJson(value: unknown, max: number = LIMITS.json): string {
  const full = canonicalJson(value);
  if (full.length <= max) return full;
  for (const step of SHORTENING_STEPS) {
    const shortened = shortenedValue(value, step, 1);
    const marked = shortened !== null && typeof shortened === 'object' && !Array.isArray(shortened) && !(shortened instanceof Date)
      ? { ...(shortened as Record<string, unknown>), [TRUNCATED_KEY]: true, _fullLength: full.length }
      : { [TRUNCATED_KEY]: true, _fullLength: full.length, value: shortened };
    const text = canonicalJson(marked);
    if (text.length <= max) return text;
  }
  return canonicalJson({ [TRUNCATED_KEY]: true, _fullLength: full.length });
}

function optionalJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  // canonicalJson escapes NUL and lone surrogates, so the text is storable as it is.
  return boundedJson(value);
}

/**
 * Turns what a context reports into the record that is chained: who and from where come from the
 * request context; purpose, end user and duration default to the request's.
 */
export function normaliseEvent(ctx: RequestContext, input: AuditEventInput, now: Date): Omit<AuditRecord, 'seq'> {
  if (!Object.values(AuditOutcome).includes(input.outcome as AuditOutcome)) throw new TypeError(`audit outcome must be ALLOWED, DENIED or ERROR`);
  if (!input.action || typeof input.action !== 'string') throw new TypeError('audit action is required');
  const grants = new Map<string, number>();
  for (const id of input.grantIds ?? []) grants.set(String(id), -1);
  for (const grant of input.grants ?? []) grants.set(String(grant.id), grant.version ?? grants.get(String(grant.id)) ?? -1);
  const grantIds = [...grants.keys()].slice(0, LIMITS.list).map((id) => storableText(id, LIMITS.label));
  const { principal } = ctx;
  return {
    at: now.toISOString(),
    action: storableText(input.action, LIMITS.label),
    outcome: input.outcome as AuditOutcome,
    principal: storableText(principal.label, LIMITS.label),
    principalId: storableText(principal.id, LIMITS.label),
    principalKind: principal.kind,
    department: optionalText(principal.departmentCode, LIMITS.label),
    providerDepartment: optionalText(input.providerDepartment, LIMITS.label),
    clientIp: optionalText(ctx.clientIp, LIMITS.label),
    requestId: storableText(ctx.requestId, LIMITS.label),
    endUserId: optionalText(input.endUserId === undefined ? ctx.endUserId : input.endUserId, LIMITS.label),
    purpose: optionalText(input.purpose === undefined ? ctx.purpose : input.purpose),
    dataset: optionalText(input.dataset, LIMITS.label),
    version: optionalInt(input.version, 'version'),
    target: optionalText(input.target, LIMITS.label),
    fieldsRequested: textList(input.fieldsRequested),
    fieldsClear: textList(input.fieldsClear),
    fieldsMasked: textList(input.fieldsMasked),
    fieldsRefused: textList(input.fieldsRefused),
    rowsReturned: optionalInt(input.rowsReturned, 'rowsReturned'),
    rowScope: optionalJson(input.rowScope),
    grantIds,
    grantVersions: grantIds.map((id) => grants.get(id) ?? -1),
    // A reason is often an error message: it keeps at most a short prefix of what the caller sent.
    reason: optionalText(typeof input.reason === 'string' ? clipEchoes(input.reason) : input.reason),
    detail: optionalJson(input.detail),
    durationMs: optionalInt(input.durationMs === undefined || input.durationMs === null ? now.getTime() - ctx.startedAt : input.durationMs, 'durationMs'),
  };
}

/** Every field the chain covers, with the format version `v`; encoded in this (sorted) order. */
const CANONICAL_KEYS = [
  'action', 'at', 'clientIp', 'dataset', 'department', 'detail', 'durationMs', 'endUserId', 'fieldsClear', 'fieldsMasked', 'fieldsRefused',
  'fieldsRequested', 'grantIds', 'grantVersions', 'outcome', 'principal', 'principalId', 'principalKind', 'providerDepartment', 'purpose',
  'reason', 'requestId', 'rowScope', 'rowsReturned', 'seq', 'target', 'v', 'version',
] as const satisfies readonly (keyof AuditRecord | 'v')[];
const KEY_PREFIXES = CANONICAL_KEYS.map((key, index) => `${index === 0 ? '{' : ','}${JSON.stringify(key)}:`);

/**
 * The exact bytes the chain hashes for one event: canonical JSON (keys sorted, no whitespace) of
 * every stored field but the hashes. Written out field by field rather than through canonicalJson
 * because it runs once per exchange; the unit tests pin that both give the same bytes.
 */
export function canonicalBytes(record: AuditRecord): Buffer {
  let encoded = '';
  for (let index = 0; index < CANONICAL_KEYS.length; index += 1) {
    const key = CANONICAL_KEYS[index]!;
    const value: unknown = key === 'v' ? CANONICAL_VERSION : record[key];
    encoded += KEY_PREFIXES[index]!;
    if (value === null || value === undefined) encoded += 'null';
    else if (typeof value === 'string') encoded += JSON.stringify(value);
    else if (typeof value === 'number') encoded += canonicalJson(value);
    else if (Array.isArray(value)) encoded += `[${value.map((item) => (typeof item === 'string' ? JSON.stringify(item) : canonicalJson(item))).join(',')}]`;
    else encoded += canonicalJson(value);
  }
  return Buffer.from(`${encoded}}`, 'utf8');
}

/** The reference encoding of a record (canonicalJson of all its fields): what canonicalBytes must equal. */
export function referenceCanonicalBytes(record: AuditRecord): Buffer {
  const { seq, at, action, outcome, principal, principalId, principalKind, department, providerDepartment, clientIp, requestId, endUserId, purpose } = record;
  const { dataset, version, target, fieldsRequested, fieldsClear, fieldsMasked, fieldsRefused, rowsReturned, rowScope, grantIds, grantVersions, reason, detail, durationMs } = record;
  return Buffer.from(
    canonicalJson({
      v: CANONICAL_VERSION, seq, at, action, outcome, principal, principalId, principalKind, department, providerDepartment, clientIp, requestId, endUserId, purpose,
      dataset, version, target, fieldsRequested, fieldsClear, fieldsMasked, fieldsRefused, rowsReturned, rowScope, grantIds, grantVersions, reason, detail, durationMs,
    }),
    'utf8',
  );
}

/** hash = SHA-256(prevHash ‖ canonical bytes), both hashes as lower-case hex. */
export function chainHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalBytes(record)).digest('hex');
}

/** Chains records after a head: assigns consecutive sequence numbers and hashes. */
export function chainRecords(head: { seq: number; hash: string }, records: readonly Omit<AuditRecord, 'seq'>[]): ChainedAuditRecord[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return records.map((record) => {
    seq += 1;
    const full: AuditRecord = { ...record, seq };
    const hash = chainHash(prevHash, full);
    const chained = { ...full, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

import { DatasetStatus, type FieldType, MaskType, OpenType, Sensitivity, SharingType } from '@causeway/catalogue';
import { CausewayError, ErrorCode, Role, type PrincipalKind } from '@causeway/core';
import { FALSE, parseWhere, simplify, toWhereJson, TRUE, type Cond, type FieldTypes } from './conditions.js';

/**
 * ARCHITECTURE §3 as plain functions: which rows and fields a principal may read of one
 * dataset (its sources of access), and the plan of one query under them.
 */

export enum AccessLevel {
  CLEAR = 'CLEAR',
  MASKED = 'MASKED',
  DENIED = 'DENIED',
}

/** What a grant gives of one field. */
export type GrantedAccess = AccessLevel.CLEAR | AccessLevel.MASKED;

/** In a source's aggregate fields: the right to count rows, which every source gives. */
export const COUNT_ROWS = '$rows';

/** Roles that read data for their department; the others (ADMIN, AUDITOR) manage or watch. */
export const DATA_READER_ROLES: readonly Role[] = [Role.CONSUMER, Role.ANALYST, Role.STEWARD];

/** Groups smaller than this are suppressed from aggregates served under an aggregate-only grant. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

export interface PolicyField {
  name: string;
  type: FieldType;
  sensitivity: Sensitivity;
  /** Already resolved to the dataset's when not stricter. */
  sharingType: SharingType;
  mask: MaskType;
}

export interface PolicyDataset {
  id: string;
  code: string;
  providerDepartmentId: string;
  sharingType: SharingType;
  openType: OpenType;
  status: DatasetStatus;
  currentVersionId: string | null;
  fields: PolicyField[];
}

export interface PolicyGrant {
  id: string;
  datasetId: string;
  consumerDepartmentId: string;
  fields: { field: string; access: GrantedAccess }[];
  /** The row scope as approved (where-JSON, may reference the consumer); null: every row. */
  rowScope: unknown;
  validFrom: Date;
  validUntil: Date | null;
  revokedAt: Date | null;
  aggregateOnly: boolean;
  requirePurpose: boolean;
  requireEndUserId: boolean;
  version: number;
}

export interface PolicySubject {
  kind: PrincipalKind;
  departmentId: string | null;
  departmentCode: string | null;
  divisionCode: string | null;
  roles: readonly Role[];
}

/** Where a set of rules comes from: a grant, or one of the standing rules of §3. */
export interface SourceMeta {
  id: string;
  kind: 'provider' | 'unconditional' | 'open' | 'grant';
  grantId: string | null;
  grantVersion: number | null;
  aggregateOnly: boolean;
  requirePurpose: boolean;
  requireEndUserId: boolean;
  validUntil: Date | null;
  /** The resolved row scope (TRUE: every row). */
  scope: Cond;
}

/** One source of access and what it gives: rows with fields in clear or masked, and statistics. */
export interface AccessSource {
  meta: SourceMeta;
  /** Fields read in clear in the rows the scope admits. */
  clear: ReadonlySet<string>;
  /** Fields read masked in those rows. */
  masked: ReadonlySet<string>;
  /** Fields aggregated (the clear ones) and COUNT_ROWS. */
  aggregate: ReadonlySet<string>;
  /** false for aggregate-only grants: statistics, no rows. */
  rows: boolean;
}

/** What one subject may read of one dataset: its sources of access, in the order of `sourcesFor`. */
export interface DatasetAccess {
  dataset: PolicyDataset;
  sources: readonly AccessSource[];
  fieldTypes: FieldTypes;
  /** When the access must be rebuilt (a grant starts or ends), epoch ms; null: never by time. */
  expiresAt: number | null;
}

export function fieldTypesOf(dataset: Pick<PolicyDataset, 'fields'>): FieldTypes {
  return new Map(dataset.fields.map((field) => [field.name, field.type]));
}

/** Rule 4: SECRET fields and fields not shared (NONE) never leave the provider. */
export function isGrantable(field: Pick<PolicyField, 'sensitivity' | 'sharingType'>): boolean {
  return field.sensitivity !== Sensitivity.SECRET && field.sharingType !== SharingType.NONE;
}

export function isActive(grant: Pick<PolicyGrant, 'validFrom' | 'validUntil' | 'revokedAt'>, now: number): boolean {
  return !grant.revokedAt && grant.validFrom.getTime() <= now && (!grant.validUntil || grant.validUntil.getTime() > now);
}

/**
 * Rule 6: what the anonymous public may read of a dataset, and so all it may learn of its
 * schema: the PUBLIC (and shared) fields of an OPEN dataset; nothing of any other.
 */
export function openFieldsOf(dataset: Pick<PolicyDataset, 'openType' | 'fields'>): string[] {
  if (dataset.openType !== OpenType.OPEN) return [];
  return dataset.fields.filter((field) => field.sensitivity === Sensitivity.PUBLIC && field.sharingType !== SharingType.NONE).map((field) => field.name);
}

const isReader = (subject: PolicySubject) => subject.kind !== 'ANONYMOUS' && subject.roles.some((role) => DATA_READER_ROLES.includes(role));

interface SourceDraft {
  meta: SourceMeta;
  clear: string[];
  masked: string[];
  /** false for aggregate-only grants. */
  rows: boolean;
}

/**
 * The sources of access one subject has to one dataset (rules 1–6). Pure: the caller passes
 * the grants of the subject's department and the time.
 */
export function sourcesFor(subject: PolicySubject, dataset: PolicyDataset, grants: readonly PolicyGrant[], now: number): { drafts: SourceDraft[]; expiresAt: number | null } {
  const drafts: SourceDraft[] = [];
  let expiresAt: number | null = null;
  const soonest = (at: number) => {
    if (at > now && (expiresAt === null || at < expiresAt)) expiresAt = at;
  };
  // A dataset that is not published serves nothing, to anyone (a retired one included).
  if (dataset.status !== DatasetStatus.PUBLISHED) return { drafts, expiresAt };
  const standing = (kind: SourceMeta['kind'], clear: string[], masked: string[]): SourceDraft => ({
    meta: { id: kind, kind, grantId: null, grantVersion: null, aggregateOnly: false, requirePurpose: false, requireEndUserId: false, validUntil: null, scope: TRUE },
    clear,
    masked,
    rows: true,
  });

  // Rule 6 (and a floor for everyone): OPEN datasets' PUBLIC fields.
  const open = openFieldsOf(dataset);
  if (open.length > 0) drafts.push(standing('open', open, []));
  if (!isReader(subject) || !subject.departmentId) return { drafts, expiresAt };

  // Rule 5: the provider reads its own datasets in full.
  if (subject.departmentId === dataset.providerDepartmentId) {
    drafts.push(standing('provider', dataset.fields.map((field) => field.name), []));
    return { drafts, expiresAt };
  }
  // Rule 4: a NONE dataset is the provider's alone; no grant opens it.
  if (dataset.sharingType === SharingType.NONE) return { drafts, expiresAt };

  // Rule 2: unconditional sharing.
  if (dataset.sharingType === SharingType.UNCONDITIONAL) {
    const clear: string[] = [];
    const masked: string[] = [];
    for (const field of dataset.fields) {
      if (!isGrantable(field) || field.sharingType !== SharingType.UNCONDITIONAL) continue;
      if (field.sensitivity === Sensitivity.SENSITIVE) masked.push(field.name);
      else clear.push(field.name);
    }
    if (clear.length + masked.length > 0) drafts.push(standing('unconditional', clear, masked));
  }

  // Rule 3: grants, each only within its validity, only the fields the dataset still allows.
  const byName = new Map(dataset.fields.map((field) => [field.name, field]));
  const types = fieldTypesOf(dataset);
  const consumer = { divisionCode: subject.divisionCode, departmentCode: subject.departmentCode };
  for (const grant of grants) {
    if (grant.datasetId !== dataset.id || grant.consumerDepartmentId !== subject.departmentId || grant.revokedAt) continue;
    soonest(grant.validFrom.getTime());
    if (grant.validUntil) soonest(grant.validUntil.getTime());
    if (!isActive(grant, now)) continue;
    const clear: string[] = [];
    const masked: string[] = [];
    for (const { field, access } of grant.fields) {
      const known = byName.get(field);
      if (!known || !isGrantable(known)) continue;
      (access === AccessLevel.CLEAR ? clear : masked).push(field);
    }
    if (clear.length + masked.length === 0) continue;
    let scope: Cond;
    try {
      scope = grant.rowScope === null || grant.rowScope === undefined ? TRUE : parseWhere(grant.rowScope, types, { path: 'rowScope', consumer }).cond;
    } catch {
      // A scope that no longer fits the dataset (its fields were redefined) admits nothing.
      scope = FALSE;
    }
    drafts.push({
      meta: {
        id: `grant:${grant.id}`,
        kind: 'grant',
        grantId: grant.id,
        grantVersion: grant.version,
        aggregateOnly: grant.aggregateOnly,
        requirePurpose: grant.requirePurpose,
        requireEndUserId: grant.requireEndUserId,
        validUntil: grant.validUntil,
        scope,
      },
      clear,
      masked,
      rows: !grant.aggregateOnly,
    });
  }
  return { drafts, expiresAt };
}

/** Builds the access of one subject to one dataset. */
export function buildDatasetAccess(subject: PolicySubject, dataset: PolicyDataset, grants: readonly PolicyGrant[], now: number): DatasetAccess {
  const { drafts, expiresAt } = sourcesFor(subject, dataset, grants, now);
  const sources = drafts.map(({ meta, clear, masked, rows }) => ({
    meta,
    clear: new Set(clear),
    masked: new Set(masked),
    aggregate: new Set([...clear, COUNT_ROWS]),
    rows,
  }));
  return { dataset, sources, fieldTypes: fieldTypesOf(dataset), expiresAt };
}

// ---- planning one query -----------------------------------------------------------------------

export interface ReadRequest {
  mode: 'records' | 'aggregate';
  /** Fields returned (records). */
  select: readonly string[];
  /** Fields filtered, sorted, grouped or aggregated: they count as read in clear (rule 7). */
  clear: readonly string[];
  /** Whether the caller sent X-Purpose and X-User-Id. */
  hasPurpose: boolean;
  hasEndUserId: boolean;
}

export interface FieldPlan {
  name: string;
  type: FieldType;
  /** CLEAR: always clear; MASKED: always masked; MIXED: clear where `clearWhen` holds, masked elsewhere. */
  level: 'CLEAR' | 'MASKED' | 'MIXED';
  clearWhen: Cond | null;
  mask: MaskType;
}

export interface ReadPlan {
  dataset: PolicyDataset;
  fields: FieldPlan[];
  /** Rows admitted: the OR of the row scopes of the sources used. */
  rowScope: Cond;
  sourceIds: string[];
  grantIds: string[];
  /** The grants used, with their versions (for the audit trail). */
  grants: { id: string; version: number }[];
  /** 0 when no suppression applies. */
  minGroupSize: number;
  /** Identifies the policy the query ran under (sources and grant versions): part of the cursor scope. */
  policyKey: string;
  fieldTypes: FieldTypes;
  /**
   * What SQL built from this plan may name (the exchange's statement builders refuse anything
   * else): `select`, the fields returned; `clear`, the fields clear in every source the plan reads
   * under, the only ones that may be filtered, sorted, grouped or aggregated (rule 7).
   */
  allowed: { select: ReadonlySet<string>; clear: ReadonlySet<string> };
}

interface Candidate {
  meta: SourceMeta;
  clear: ReadonlySet<string>;
  masked: ReadonlySet<string>;
}

const NO_FIELDS: ReadonlySet<string> = new Set();

/**
 * The sources that can serve a query of this mode, with the fields each gives in it. Latest
 * source first and, for records, those giving some field in clear before those giving only
 * masked ones: the refusal names the fields beyond the first most generous source, so this
 * order (the one planRead has always used) decides its ties.
 */
function candidatesOf(access: DatasetAccess, mode: ReadRequest['mode']): Candidate[] {
  const latestFirst = [...access.sources].reverse();
  if (mode === 'aggregate') return latestFirst.map(({ meta, aggregate }) => ({ meta, clear: aggregate, masked: NO_FIELDS }));
  const readers = latestFirst.filter((source) => source.rows);
  return [...readers.filter((source) => source.clear.size > 0), ...readers.filter((source) => source.clear.size === 0)];
}

const orOf = (conds: Cond[]): Cond => simplify({ kind: 'or', items: conds });

/** The fields clear in every one of the sources (COUNT_ROWS is not a field). */
function clearInAll(sources: readonly Candidate[]): Set<string> {
  const [first, ...rest] = sources;
  const clear = new Set<string>();
  for (const field of first?.clear ?? []) if (field !== COUNT_ROWS && rest.every((source) => source.clear.has(field))) clear.add(field);
  return clear;
}

/**
 * Plans one query: refuses it whole (FORBIDDEN_FIELDS, naming the fields) unless one or more
 * sources cover every field it names, then decides each field's level and the rows admitted.
 * Computed once per query; the SQL builder and the row mapper only follow the plan.
 */
export function planRead(access: DatasetAccess, request: ReadRequest): ReadPlan {
  const dataset = access.dataset;
  const select = [...new Set(request.select)];
  const clearNeeded = [...new Set(request.clear)];
  if (request.mode === 'aggregate') clearNeeded.push(COUNT_ROWS);
  const all = candidatesOf(access, request.mode);
  const covers = (candidate: Candidate) =>
    select.every((field) => candidate.clear.has(field) || candidate.masked.has(field)) && clearNeeded.every((field) => candidate.clear.has(field));
  const covering = all.filter(covers);
  const admissible = covering.filter(
    (candidate) => (!candidate.meta.requirePurpose || request.hasPurpose) && (!candidate.meta.requireEndUserId || request.hasEndUserId),
  );

  if (admissible.length === 0) {
    if (covering.length > 0) {
      const headers = [
        ...(covering.some((candidate) => candidate.meta.requirePurpose) && !request.hasPurpose ? ['X-Purpose'] : []),
        ...(covering.some((candidate) => candidate.meta.requireEndUserId) && !request.hasEndUserId ? ['X-User-Id'] : []),
      ];
      throw new CausewayError(
        ErrorCode.FORBIDDEN,
        `Your department's grant on ${dataset.code} requires ${headers.map((header) => `the ${header} header`).join(' and ')}: send ${headers
          .map((header) => (header === 'X-Purpose' ? '`X-Purpose: <the case or matter this query serves>`' : '`X-User-Id: <the end user in your system>`'))
          .join(' and ')}`,
        { requiredHeaders: headers },
      );
    }
    const named = [...new Set([...select, ...clearNeeded.filter((field) => field !== COUNT_ROWS)])];
    // Name the fields beyond the most generous single source, so the caller sees what to drop.
    let best: Candidate | null = null;
    let bestScore = -1;
    for (const candidate of all) {
      const score = named.filter((field) => (select.includes(field) && candidate.masked.has(field)) || candidate.clear.has(field)).length;
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    const refused = named.filter((field) => {
      if (!best) return true;
      if (clearNeeded.includes(field)) return !best.clear.has(field);
      return !best.clear.has(field) && !best.masked.has(field);
    });
    if (request.mode === 'records' && candidatesOf(access, 'aggregate').some((candidate) => candidate.meta.aggregateOnly)) {
      throw new CausewayError(
        ErrorCode.FORBIDDEN_FIELDS,
        `Your department's grant on ${dataset.code} is aggregate-only: use the aggregate query`,
        { fields: refused.length > 0 ? refused : named },
      );
    }
    if (refused.length === 0) {
      throw new CausewayError(ErrorCode.FORBIDDEN, `Your department may not read ${dataset.code}; request access with requestAccess`);
    }
    const maskedOnly = refused.some((field) => clearNeeded.includes(field) && all.some((candidate) => candidate.masked.has(field)));
    throw new CausewayError(
      ErrorCode.FORBIDDEN_FIELDS,
      `You may not read these fields of ${dataset.code}: ${refused.join(', ')}${maskedOnly ? ' (filtering, sorting, grouping or aggregating on a field needs it in clear)' : ''}`,
      { fields: refused },
    );
  }

  const byName = new Map(dataset.fields.map((field) => [field.name, field]));
  const rowScope = orOf(admissible.map((candidate) => candidate.meta.scope));
  const fields: FieldPlan[] = select.map((name) => {
    const field = byName.get(name)!;
    const clearIn = admissible.filter((candidate) => candidate.clear.has(name));
    const mask = field.mask === MaskType.NONE ? MaskType.REDACT : field.mask;
    if (clearIn.length === admissible.length) return { name, type: field.type, level: 'CLEAR', clearWhen: null, mask };
    if (clearIn.length === 0) return { name, type: field.type, level: 'MASKED', clearWhen: null, mask };
    const clearWhen = orOf(clearIn.map((candidate) => candidate.meta.scope));
    if (clearWhen.kind === 'true') return { name, type: field.type, level: 'CLEAR', clearWhen: null, mask };
    return { name, type: field.type, level: 'MIXED', clearWhen, mask };
  });
  const sourceIds = admissible.map((candidate) => candidate.meta.id).sort();
  const grantIds = admissible.flatMap((candidate) => (candidate.meta.grantId ? [candidate.meta.grantId] : [])).sort();
  const policyKey = admissible
    .map((candidate) => `${candidate.meta.id}@${candidate.meta.grantVersion ?? 0}`)
    .sort()
    .join(',');
  return {
    dataset,
    fields,
    rowScope,
    sourceIds,
    grantIds,
    grants: admissible
      .flatMap((candidate) => (candidate.meta.grantId ? [{ id: candidate.meta.grantId, version: candidate.meta.grantVersion ?? 1 }] : []))
      .sort((a, b) => a.id.localeCompare(b.id)),
    minGroupSize: request.mode === 'aggregate' && admissible.some((candidate) => candidate.meta.aggregateOnly) ? DEFAULT_MIN_GROUP_SIZE : 0,
    policyKey,
    fieldTypes: access.fieldTypes,
    allowed: { select: new Set(select), clear: clearInAll(admissible) },
  };
}

// ---- what a caller may do (Dataset.myAccess) ----------------------------------------------------

export interface DatasetAccessView {
  fields: { field: string; access: AccessLevel }[];
  rowScope: Record<string, unknown> | null;
  validUntil: Date | null;
  aggregateOnly: boolean;
  grantIds: string[];
}

export function describeAccess(access: DatasetAccess): DatasetAccessView {
  const rows = candidatesOf(access, 'records');
  const aggregate = candidatesOf(access, 'aggregate');
  const aggregateOnly = rows.length === 0 && aggregate.length > 0;
  const used = aggregateOnly ? aggregate : rows;
  const fields = access.dataset.fields.map(({ name }) => {
    const clear = used.some((candidate) => candidate.clear.has(name));
    const masked = used.some((candidate) => candidate.masked.has(name));
    return { field: name, access: clear ? AccessLevel.CLEAR : masked ? AccessLevel.MASKED : AccessLevel.DENIED };
  });
  const scope = used.length === 0 ? ({ kind: 'false' } as Cond) : orOf(used.map((candidate) => candidate.meta.scope));
  const ends = used.map((candidate) => candidate.meta.validUntil);
  return {
    fields,
    rowScope: used.length === 0 ? null : toWhereJson(scope),
    validUntil: ends.length === 0 || ends.some((end) => end === null) ? null : new Date(Math.max(...ends.map((end) => end!.getTime()))),
    aggregateOnly,
    grantIds: [...new Set(aggregate.flatMap((candidate) => (candidate.meta.grantId ? [candidate.meta.grantId] : [])))].sort(),
  };
}

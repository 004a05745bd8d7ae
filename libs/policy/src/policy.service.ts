import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CatalogueService, type DatasetDto } from '@causeway/catalogue';
import { ANONYMOUS, type Principal, type RequestContext } from '@causeway/core';
import type { Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import { ChangeFeed } from './change-feed.js';
import { GrantEntity } from './grant.entity.js';
import {
  AccessLevel,
  buildDatasetAbility,
  DATA_READER_ROLES,
  describeAccess,
  planRead,
  type DatasetAbility,
  type DatasetAccessView,
  type PolicyDataset,
  type PolicyGrant,
  type PolicySubject,
  type ReadPlan,
  type ReadRequest,
} from './rules.js';

/** Backstops for a missed change notice; notices normally invalidate at once. */
const DATASET_TTL_MS = 10_000;
const GRANTS_TTL_MS = 60_000;

/** The grants of a caller that reads for no department: one shared object, so its abilities are reused. */
const NO_GRANTS: readonly PolicyGrant[] = Object.freeze([]);

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export function policyDataset(dataset: DatasetDto): PolicyDataset {
  return {
    id: dataset.id,
    code: dataset.code,
    providerDepartmentId: dataset.providerDepartmentId,
    sharingType: dataset.sharingType,
    openType: dataset.openType,
    status: dataset.status,
    currentVersionId: dataset.currentVersionId,
    fields: dataset.fields.map((field) => ({ name: field.name, type: field.type, sensitivity: field.sensitivity, sharingType: field.sharingType, mask: field.mask })),
  };
}

export function policyGrant(row: GrantEntity): PolicyGrant {
  return {
    id: row.id,
    datasetId: row.datasetId,
    consumerDepartmentId: row.consumerDepartmentId,
    fields: row.fields.map(({ field, access }) => ({ field, access: access === 'CLEAR' ? AccessLevel.CLEAR : AccessLevel.MASKED })),
    rowScope: row.rowScope,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    revokedAt: row.revokedAt,
    aggregateOnly: row.aggregateOnly,
    requirePurpose: row.requirePurpose,
    requireEndUserId: row.requireEndUserId,
    version: row.version,
  };
}

export function policySubject(principal: Principal): PolicySubject {
  return {
    kind: principal.kind,
    departmentId: principal.departmentId,
    departmentCode: principal.departmentCode,
    divisionCode: principal.divisionCode,
    roles: principal.roles,
  };
}

/**
 * ARCHITECTURE §3 at run time: one CASL ability per (caller's department, dataset), built from
 * the standing rules and the department's grants, cached, and invalidated when a grant or a
 * catalogue entry changes (in this process at once, in other replicas through the ChangeFeed).
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnModuleDestroy {
  private readonly datasetsByCode = new Map<string, Cached<PolicyDataset | null>>();
  private readonly grantsByDepartment = new Map<string, Cached<PolicyGrant[]>>();
  /**
   * Abilities with the dataset and grants they were built from. An entry is served only to a
   * caller holding those very objects: an ability built from grants read before a change (a load
   * in flight while the change committed and invalidated the caches) can land in the map after
   * the invalidation, but no caller that reads the grants afresh ever matches it.
   */
  private readonly abilities = new Map<string, { access: DatasetAbility; grants: readonly PolicyGrant[] }>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly catalogue: CatalogueService,
    private readonly feed: ChangeFeed,
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
  ) {}

  onModuleInit(): void {
    this.subscriptions = [
      this.catalogue.changes.subscribe((change) => {
        this.datasetChanged(change.datasetId);
        // Other replicas learn of it through the feed (this one ignores its own echo cheaply).
        void this.feed.notify('catalogue', change.datasetId).catch(() => undefined);
      }),
      this.feed.events.subscribe((event) => {
        if (event.channel === 'catalogue') this.datasetChanged(event.key);
        else this.grantsChanged(event.key);
      }),
    ];
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
  }

  // ---- caches ------------------------------------------------------------------------------

  /** Forget what is known of a department's grants ('*': of every department). */
  grantsChanged(departmentId: string): void {
    if (departmentId === '*') this.grantsByDepartment.clear();
    else this.grantsByDepartment.delete(departmentId);
    this.abilities.clear();
  }

  /** Forget what is known of a dataset ('*': of every dataset). */
  datasetChanged(_datasetId: string): void {
    // Keyed by code, and changes are rare: drop them all.
    this.datasetsByCode.clear();
    this.abilities.clear();
  }

  /** The policy attributes of a dataset by code, from a short-lived cache; null when unknown. */
  dataset(code: string): Promise<PolicyDataset | null> {
    return this.cached(this.datasetsByCode, code, DATASET_TTL_MS, async () => {
      const dataset = await this.catalogue.findByCode(code);
      return dataset ? policyDataset(dataset) : null;
    });
  }

  private departmentGrants(departmentId: string): Promise<PolicyGrant[]> {
    return this.cached(this.grantsByDepartment, departmentId, GRANTS_TTL_MS, async () => {
      const rows = await this.grants
        .createQueryBuilder('g')
        .where('g.consumer_department_id = :departmentId', { departmentId })
        .andWhere(`g.status = 'ACTIVE'`)
        .andWhere('(g.valid_until is null or g.valid_until > now())')
        .getMany();
      return rows.map(policyGrant);
    });
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.value;
    const value = load();
    const entry = { at: Date.now(), value };
    map.set(key, entry);
    value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return value;
  }

  // ---- abilities and plans -----------------------------------------------------------------

  /** The caller's ability on one dataset (rules 1–6), cached per department and dataset. */
  async abilityFor(ctx: RequestContext, dataset: PolicyDataset): Promise<DatasetAbility> {
    const principal = ctx.principal;
    const subject = policySubject(principal);
    const reader = principal.kind !== 'ANONYMOUS' && principal.roles.some((role) => DATA_READER_ROLES.includes(role));
    const department = reader ? (principal.departmentId ?? '-') : '-';
    const key = `${reader ? 'reader' : principal.kind === 'ANONYMOUS' ? 'anonymous' : 'other'}|${department}|${reader ? (principal.divisionCode ?? '-') : '-'}|${dataset.id}|${dataset.currentVersionId ?? '-'}`;
    const grants = reader && principal.departmentId ? await this.departmentGrants(principal.departmentId) : NO_GRANTS;
    const now = Date.now();
    const hit = this.abilities.get(key);
    if (hit && hit.access.dataset === dataset && hit.grants === grants && (hit.access.expiresAt === null || hit.access.expiresAt > now)) return hit.access;
    const built = buildDatasetAbility(subject, dataset, grants, now);
    this.abilities.set(key, { access: built, grants });
    return built;
  }

  /**
   * Plans one data query (see planRead): throws FORBIDDEN_FIELDS / FORBIDDEN when the caller may
   * not read what it names. X-Purpose / X-User-Id come from the context.
   */
  async plan(ctx: RequestContext, dataset: PolicyDataset, request: Omit<ReadRequest, 'hasPurpose' | 'hasEndUserId'>): Promise<ReadPlan> {
    const access = await this.abilityFor(ctx, dataset);
    return planRead(access, { ...request, hasPurpose: ctx.purpose !== null, hasEndUserId: ctx.endUserId !== null });
  }

  /** Dataset.myAccess: per field CLEAR / MASKED / DENIED, the row scope, validity and grants. */
  async myAccess(ctx: RequestContext, dataset: PolicyDataset): Promise<DatasetAccessView> {
    return describeAccess(await this.abilityFor(ctx, dataset));
  }

  /**
   * What an anonymous caller (the open-data portal) may read of a dataset: the names of the
   * fields it may read in clear, in catalogue order; empty when none (not OPEN, not published,
   * unknown).
   */
  async openFields(code: string): Promise<string[]> {
    const dataset = await this.dataset(code);
    if (!dataset) return [];
    const view = describeAccess(await this.abilityFor(anonymousContext(), dataset));
    return view.fields.filter((field) => field.access === AccessLevel.CLEAR).map((field) => field.field);
  }
}

/** A RequestContext for the anonymous public, for services that act on its behalf (the portal). */
export function anonymousContext(requestId = 'anonymous', clientIp: string | null = null): RequestContext {
  return { requestId, principal: ANONYMOUS, clientIp, purpose: null, endUserId: null, startedAt: Date.now() };
}

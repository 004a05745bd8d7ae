import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CatalogueRegistry, type DatasetDto } from '@causeway/catalogue';
import { ANONYMOUS, type Principal, type RequestContext } from '@causeway/core';
import { ChangeFeed, FeedCache } from '@causeway/database';
import type { Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import { GrantEntity } from './grant.entity.js';
import {
  AccessLevel,
  buildDatasetAccess,
  DATA_READER_ROLES,
  describeAccess,
  planRead,
  type DatasetAccess,
  type DatasetAccessView,
  type PolicyDataset,
  type PolicyGrant,
  type PolicySubject,
  type ReadPlan,
  type ReadRequest,
} from './rules.js';

/** The grants of a caller that reads for no department: one shared object, so its cached accesses are reused. */
const NO_GRANTS: readonly PolicyGrant[] = Object.freeze([]);

/** Plans kept per access: a department system sends the same few query shapes over and over. */
const PLANS_PER_ACCESS = 64;

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
 * ARCHITECTURE §3 at run time: one access per (caller's department, dataset), built from
 * the standing rules and the department's grants, cached, and invalidated when a grant or a
 * catalogue entry changes: the writes send their notices inside their transactions, and every
 * gateway process hears them on commit (ChangeFeed; this one at once).
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnModuleDestroy {
  private readonly datasetsByCode: FeedCache<PolicyDataset | null>;
  private readonly grantsByDepartment: FeedCache<PolicyGrant[]>;
  /**
   * Accesses with the dataset and grants they were built from. An entry is served only to a
   * caller holding those very objects: an access built from grants read before a change (a load
   * in flight while the change committed and invalidated the caches) can land in the map after
   * the invalidation, but no caller that reads the grants afresh ever matches it; a reloaded entry
   * (a notice, the backstop) rebuilds it.
   */
  private readonly accesses = new Map<string, { access: DatasetAccess; grants: readonly PolicyGrant[] }>();
  /** planRead is pure over (access, request): its plans live as long as the access they came from. */
  private readonly plans = new WeakMap<DatasetAccess, Map<string, ReadPlan>>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly catalogue: CatalogueRegistry,
    private readonly feed: ChangeFeed,
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
  ) {
    this.datasetsByCode = new FeedCache(feed);
    this.grantsByDepartment = new FeedCache(feed);
  }

  onModuleInit(): void {
    this.subscriptions = [
      this.feed.keysOf('catalogue').subscribe((datasetId) => this.datasetChanged(datasetId)),
      this.feed.keysOf('grants').subscribe((departmentId) => this.grantsChanged(departmentId)),
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
    this.accesses.clear();
  }

  /** Forget what is known of a dataset ('*': of every dataset). */
  datasetChanged(_datasetId: string): void {
    // Keyed by code, and changes are rare: drop them all.
    this.datasetsByCode.clear();
    this.accesses.clear();
  }

  /** The policy attributes of a dataset by code, from a short-lived cache; null when unknown. */
  dataset(code: string): Promise<PolicyDataset | null> {
    return this.datasetsByCode.get(code, async () => {
      const dataset = await this.catalogue.findByCode(code);
      return dataset ? policyDataset(dataset) : null;
    });
  }

  private departmentGrants(departmentId: string): Promise<PolicyGrant[]> {
    return this.grantsByDepartment.get(departmentId, async () => {
      const rows = await this.grants
        .createQueryBuilder('g')
        .where('g.consumer_department_id = :departmentId', { departmentId })
        .andWhere(`g.status = 'ACTIVE'`)
        .andWhere('(g.valid_until is null or g.valid_until > now())')
        .getMany();
      return rows.map(policyGrant);
    });
  }

  // ---- accesses and plans ------------------------------------------------------------------

  /** The caller's access to one dataset (rules 1–6), cached per department and dataset. */
  async accessFor(ctx: RequestContext, dataset: PolicyDataset): Promise<DatasetAccess> {
    const principal = ctx.principal;
    const subject = policySubject(principal);
    const reader = principal.kind !== 'ANONYMOUS' && principal.roles.some((role) => DATA_READER_ROLES.includes(role));
    const department = reader ? (principal.departmentId ?? '-') : '-';
    const key = `${reader ? 'reader' : principal.kind === 'ANONYMOUS' ? 'anonymous' : 'other'}|${department}|${reader ? (principal.divisionCode ?? '-') : '-'}|${dataset.id}|${dataset.currentVersionId ?? '-'}`;
    const grants = reader && principal.departmentId ? await this.departmentGrants(principal.departmentId) : NO_GRANTS;
    const now = Date.now();
    const hit = this.accesses.get(key);
    if (hit && hit.access.dataset === dataset && hit.grants === grants && (hit.access.expiresAt === null || hit.access.expiresAt > now)) return hit.access;
    const built = buildDatasetAccess(subject, dataset, grants, now);
    this.accesses.set(key, { access: built, grants });
    return built;
  }

  /**
   * Plans one data query (see planRead): throws FORBIDDEN_FIELDS / FORBIDDEN when the caller may
   * not read what it names. X-Purpose / X-User-Id come from the context.
   */
  async plan(ctx: RequestContext, dataset: PolicyDataset, request: Omit<ReadRequest, 'hasPurpose' | 'hasEndUserId'>): Promise<ReadPlan> {
    const access = await this.accessFor(ctx, dataset);
    const full: ReadRequest = { ...request, hasPurpose: ctx.purpose !== null, hasEndUserId: ctx.endUserId !== null };
    const key = `${full.mode}|${full.hasPurpose}|${full.hasEndUserId}|${full.select.join('\u0000')}|${full.clear.join('\u0000')}`;
    let plans = this.plans.get(access);
    const known = plans?.get(key);
    if (known) return known;
    // A refusal throws here and is never kept.
    const plan = planRead(access, full);
    if (!plans) this.plans.set(access, (plans = new Map()));
    if (plans.size >= PLANS_PER_ACCESS) plans.clear();
    plans.set(key, plan);
    return plan;
  }

  /** Dataset.myAccess: per field CLEAR / MASKED / DENIED, the row scope, validity and grants. */
  async myAccess(ctx: RequestContext, dataset: PolicyDataset): Promise<DatasetAccessView> {
    return describeAccess(await this.accessFor(ctx, dataset));
  }

  /**
   * What an anonymous caller (the open-data portal) may read of a dataset: the names of the
   * fields it may read in clear, in catalogue order; empty when none (not OPEN, not published,
   * unknown).
   */
  async openFields(code: string): Promise<string[]> {
    const dataset = await this.dataset(code);
    if (!dataset) return [];
    const view = describeAccess(await this.accessFor(anonymousContext(), dataset));
    return view.fields.filter((field) => field.access === AccessLevel.CLEAR).map((field) => field.field);
  }
}

/** A RequestContext for the anonymous public, for services that act on its behalf (the portal). */
export function anonymousContext(requestId = 'anonymous', clientIp: string | null = null): RequestContext {
  return { requestId, principal: ANONYMOUS, clientIp, purpose: null, endUserId: null, startedAt: Date.now() };
}

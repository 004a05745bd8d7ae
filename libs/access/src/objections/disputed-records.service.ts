import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { CatalogueRegistry, CatalogueVersions, DisputeLookup, type DisputedKeys } from '@causeway/catalogue';
import { ChangeFeed, FeedCache } from '@causeway/database';
import { DepartmentsService } from '@causeway/identity';
import { createHash } from 'node:crypto';
import { merge, type Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { disputedGroups, type DisputingObjection } from './objection-rules.js';
import type { ObjectionKeyField } from './objection.entity.js';
import { appendHistory } from '../history.js';

interface Loaded {
  /** Objections that mark records (OPEN, CONFIRMED); none in the common case. */
  marking: DisputingObjection[];
  fingerprint: string;
  changedAt: Date;
}

/**
 * The disputed records of a dataset, for the readers of rows (served through the catalogue's
 * DisputeLookup port): one cached lookup per dataset and query; a dataset nobody ever objected to
 * costs a map lookup and adds nothing to the SQL. Also resolves confirmed objections when their
 * correcting version is published.
 */
@Injectable()
export class DisputedRecords implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('DisputedRecords');
  /** A dataset's objections, dropped in every process when a transaction that changes them commits. */
  private readonly cache: FeedCache<Loaded | null>;
  private subscriptions: Subscription[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalogue: CatalogueRegistry,
    private readonly versions: CatalogueVersions,
    private readonly departments: DepartmentsService,
    private readonly audit: AuditService,
    private readonly lookup: DisputeLookup,
    private readonly feed: ChangeFeed,
  ) {
    this.cache = new FeedCache(feed);
  }

  onModuleInit(): void {
    this.lookup.serveFrom((datasetId, version) => this.forVersion(datasetId, version));
    // A published version may be the one a confirmed objection waits for. The feed does not say
    // what changed, so any committed change of a dataset checks its confirmed objections (cheap,
    // and idempotent across processes); '*' (a feed reconnect) is left to the next read (forVersion).
    this.subscriptions = [
      this.catalogue.changes.subscribe((change) => {
        if (change.datasetId === '*') return;
        this.resolveCorrections(change.datasetId).catch((error: Error) => this.logger.warn(`objections of dataset ${change.datasetId} not resolved: ${error.message}`));
      }),
      // Objections filed, answered or resolved in any process; a new version changes the fingerprint.
      merge(this.feed.keysOf('objections'), this.feed.keysOf('catalogue')).subscribe((datasetId) => (datasetId === '*' ? this.cache.clear() : this.cache.delete(datasetId))),
    ];
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
  }

  /** What is disputed in `version` of a dataset; null when nobody ever objected to it. */
  async forVersion(datasetId: string, version: number): Promise<DisputedKeys | null> {
    const loaded = await this.load(datasetId);
    if (!loaded) return null;
    if (loaded.marking.some((objection) => objection.status === 'CONFIRMED' && objection.correctedInVersion !== null && objection.correctedInVersion <= version)) {
      // Served already without the flag (see isDisputing); the state catches up in the background.
      this.resolveCorrections(datasetId).catch((error: Error) => this.logger.warn(`objections not resolved: ${error.message}`));
    }
    return { groups: disputedGroups(loaded.marking, version), fingerprint: `${loaded.fingerprint}:${version}`, changedAt: loaded.changedAt };
  }

  /**
   * Confirmed objections whose correcting version is now the served one (or older) become
   * CORRECTED, each with its history entry and audit event. Safe to run any number of times.
   */
  async resolveCorrections(datasetId: string): Promise<number> {
    const dataset = await this.catalogue.findById(datasetId);
    const current = dataset?.currentVersionId ? await this.versions.versionFields(dataset.currentVersionId) : null;
    if (!dataset || !current) return 0;
    const resolved = await this.db.transaction(async (tx) => {
      const result = (await tx.query(
        `update objection set status = 'CORRECTED', resolved_at = now(), updated_at = now()
          where dataset_id = $1 and status = 'CONFIRMED' and corrected_in_version <= $2
          returning id, corrected_in_version`,
        [datasetId, current.version],
      )) as unknown[];
      // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected].
      const updated = (Array.isArray(result[0]) ? result[0] : result) as { id: string; corrected_in_version: number }[];
      const provider = (await this.departments.byId(dataset.providerDepartmentId))?.code ?? null;
      const ctx = systemContext('objections');
      if (updated.length > 0) await this.feed.notify(tx, 'objections', datasetId);
      for (const row of updated) {
        await appendHistory(tx, 'objection', ctx, row.id, 'CORRECTED', null, { correctedInVersion: row.corrected_in_version, servedVersion: current.version });
        await this.audit.record(ctx, {
          action: 'objection.resolve',
          outcome: AuditOutcome.ALLOWED,
          target: `objection:${row.id}`,
          dataset: dataset.code,
          version: current.version,
          providerDepartment: provider,
          detail: { correctedInVersion: row.corrected_in_version },
        });
      }
      return updated.length;
    });
    return resolved;
  }

  private load(datasetId: string): Promise<Loaded | null> {
    return this.cache.get(datasetId, () => this.read(datasetId));
  }

  private async read(datasetId: string): Promise<Loaded | null> {
    const [summary] = (await this.db.query(`select count(*)::int as n, max(updated_at) as changed_at from objection where dataset_id = $1`, [datasetId])) as { n: number; changed_at: Date | null }[];
    if (!summary || summary.n === 0 || !summary.changed_at) return null;
    const rows = (await this.db.query(
      `select id, key_fields, record_keys, status, corrected_in_version from objection where dataset_id = $1 and status in ('OPEN', 'CONFIRMED') order by id`,
      [datasetId],
    )) as { id: string; key_fields: ObjectionKeyField[]; record_keys: (string | boolean)[][]; status: string; corrected_in_version: number | null }[];
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([summary.n, summary.changed_at.toISOString(), rows.map((row) => [row.id, row.status, row.corrected_in_version])]))
      .digest('base64url')
      .slice(0, 16);
    return {
      marking: rows.map((row) => ({ keyFields: row.key_fields, recordKeys: row.record_keys, status: row.status, correctedInVersion: row.corrected_in_version })),
      fingerprint,
      changedAt: summary.changed_at,
    };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { AuditOutcome, AuditService } from '@causeway/audit';
import type { RequestContext } from '@causeway/core';
import type { RowSource } from './rows/row-source.js';

/** The audit actions of the portal's pulls. */
export const PORTAL_ACTIONS = {
  datastoreSearch: 'portal.datastore_search',
  download: 'portal.download',
} as const;

/**
 * Puts the portal's row pulls on the audit trail (ARCHITECTURE §6). `pulled` is awaited before
 * any row leaves and fails closed: when it throws, nothing is served.
 */
@Injectable()
export class PortalAudit {
  private readonly logger = new Logger('PortalAudit');

  constructor(private readonly audit: AuditService) {}

  async pulled(ctx: RequestContext, action: string, source: RowSource, fields: readonly string[], rows: number, detail: Record<string, unknown>): Promise<void> {
    await this.audit.record(ctx, {
      action,
      outcome: AuditOutcome.ALLOWED,
      dataset: source.dataset.code,
      version: source.version.version,
      providerDepartment: source.dataset.publisher?.code ?? null,
      fieldsRequested: fields,
      fieldsClear: fields,
      rowsReturned: rows,
      detail,
    });
  }

  /**
   * A pull of a dataset that exists but is not open to the public. The caller sees the same "not
   * found" as for a missing dataset; the trail keeps the refusal. Nothing is served either way, so
   * a failure to record it is logged, not answered.
   */
  async refused(ctx: RequestContext, action: string, target: { dataset: string; provider: string | null }, reason: string): Promise<void> {
    try {
      await this.audit.record(ctx, { action, outcome: AuditOutcome.DENIED, dataset: target.dataset, providerDepartment: target.provider, reason });
    } catch (error) {
      this.logger.warn(`could not record a refused ${action} of ${target.dataset}: ${(error as Error).message}`);
    }
  }
}

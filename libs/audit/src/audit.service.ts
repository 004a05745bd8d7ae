import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ANONYMOUS, CausewayError, ErrorCode, type RequestContext } from '@causeway/core';
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { normaliseEvent } from './canonical.js';
import type { AuditEventInput, AuditReceipt } from './audit.types.js';
import { AuditCheckpointer } from './audit.checkpointer.js';
import { auditScope } from './audit-scope.js';
import { AUDIT_WRITER_ROLE, AuditWriter, type AuditWriterStatus } from './audit.writer.js';

/** A context for acts that no request carries: the command line, the seeder, scheduled jobs. */
export function systemContext(actor: string, requestId: string = randomUUID()): RequestContext {
  const label = `system:${actor}`;
  return {
    requestId,
    principal: Object.freeze({ ...ANONYMOUS, id: label, label }),
    clientIp: null,
    purpose: null,
    endUserId: null,
    startedAt: Date.now(),
  };
}

export interface AuditHealth extends AuditWriterStatus {
  /** The writer can reach the database and may insert events. */
  writable: boolean;
  problem: string | null;
}

/**
 * The one way to put an exchange on record. Every context calls `record` before it answers;
 * the promise settles only after the event is durably committed in the hash chain.
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly writer: AuditWriter,
    private readonly checkpointer: AuditCheckpointer,
  ) {}

  /**
   * Records one event. Fails closed: when the event cannot be written (database down, privilege
   * revoked, writer saturated) this throws CausewayError(AUDIT_UNAVAILABLE) and the caller must
   * not serve the exchange.
   */
  async record(ctx: RequestContext, event: AuditEventInput): Promise<AuditReceipt> {
    let normalised;
    try {
      normalised = normaliseEvent(ctx, event, new Date());
    } catch (error) {
      // A malformed event is a bug of the caller, but the exchange still may not go unrecorded.
      this.logger.error(`malformed audit event ${event.action}: ${(error as Error).message}`);
      throw new CausewayError(ErrorCode.AUDIT_UNAVAILABLE, 'The audit trail cannot record this exchange; nothing was served.');
    }
    // The audit interceptor learns that this operation recorded its own event.
    const scope = auditScope.getStore();
    scope?.outcomes.push(normalised.outcome);
    const receipt = this.writer.append(normalised);
    scope?.settle?.();
    return receipt;
  }

  /**
   * An operation has begun that will probably record an event: group commits wait briefly for
   * it. The answer says it has recorded or finished.
   */
  begin(): () => void {
    return this.writer.begin();
  }

  /** Waits until every event queued so far is committed. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Signs a checkpoint of the current chain head now (unless one exists, or always). */
  checkpoint(always = false): ReturnType<AuditCheckpointer['checkpoint']> {
    return this.checkpointer.checkpoint(always);
  }

  /** For /health/ready: the writer reaches the database as its role and may insert. */
  async health(): Promise<AuditHealth> {
    const status = this.writer.status();
    try {
      const writable = await this.writer.withClient(async (client) => {
        const { rows } = await client.query<{ ok: boolean }>(`select has_table_privilege('audit_event', 'INSERT') as ok`);
        return rows[0]?.ok === true;
      });
      return { ...status, writable, problem: writable ? null : `the writer role (${AUDIT_WRITER_ROLE}) may not insert audit events` };
    } catch (error) {
      return { ...status, writable: false, problem: (error as Error).message };
    }
  }

  registerMetrics(registry: Registry): void {
    this.writer.metrics.registerOn(registry);
  }

  async onApplicationShutdown(): Promise<void> {
    // The HTTP server closed (and its requests finished) before this hook: write what remains,
    // sign the final head, and close the writer's pool.
    this.checkpointer.stop();
    await this.writer.flush();
    await this.checkpointer.checkpoint().catch((error: Error) => this.logger.warn(`final checkpoint not written: ${error.message}`));
    await this.writer.close();
  }
}

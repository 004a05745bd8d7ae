import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ANONYMOUS, CausewayError, ErrorCode, type RequestContext } from '@causeway/core';
import { randomUUID } from 'node:crypto';
import { normaliseEvent } from './canonical.js';
import type { AuditEventInput, AuditReceipt } from './audit.types.js';
import { AuditWriter } from './audit.writer.js';

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

/**
 * The one way to put an exchange on record. Every context calls `record` before it answers;
 * the promise settles only after the event is durably committed in the hash chain.
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly writer: AuditWriter) {}

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
    return this.writer.append(normalised);
  }

  /** Waits until every event queued so far is committed. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    // Requests finished before this hook (the HTTP server is closed first); write what remains.
    await this.writer.close();
  }
}

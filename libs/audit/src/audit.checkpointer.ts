import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CausewayConfig } from '@causeway/core';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { signCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { AuditSigningKey, CHECKPOINT_LOG_FILE } from './signing-key.js';
import { AuditWriter } from './audit.writer.js';

/**
 * Signs the chain head every AUDIT_CHECKPOINT_EVERY events or AUDIT_CHECKPOINT_MINUTES minutes
 * (whichever comes first) with the key kept outside the database, stores the checkpoint in the
 * database and appends it to a log in the data folder. Whoever rewrites the table and recomputes
 * every hash still cannot produce a checkpoint that matches.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditCheckpoints');
  private lastSeq = -1;
  private lastAt = Date.now();
  private headSeq = 0;
  private running: Promise<SignedCheckpoint | null> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly writer: AuditWriter,
    private readonly config: CausewayConfig,
    private readonly key: AuditSigningKey,
  ) {}

  onApplicationBootstrap(): void {
    this.writer.onCommitted(({ head }) => {
      this.headSeq = Math.max(this.headSeq, head.seq);
      if (this.lastSeq < 0 || head.seq - this.lastSeq >= this.config.AUDIT_CHECKPOINT_EVERY) this.trigger();
    });
    const minutes = this.config.AUDIT_CHECKPOINT_MINUTES * 60_000;
    this.timer = setInterval(() => {
      if (Date.now() - this.lastAt >= minutes && this.headSeq > this.lastSeq) this.trigger();
    }, Math.min(60_000, minutes));
    this.timer.unref();
  }

  /** Stops the schedule (the writer is about to close). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Signs the current head unless a checkpoint of it exists (always, with `always`: for an export);
   * answers the checkpoint signed, if any.
   */
  async checkpoint(always = false): Promise<SignedCheckpoint | null> {
    while (this.running) await this.running.catch(() => null);
    this.running = this.sign(always);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private trigger(): void {
    if (this.running || this.stopped) return;
    this.checkpoint().catch((error: Error) => this.logger.warn(`checkpoint not written: ${error.message}`));
  }

  private async sign(always: boolean): Promise<SignedCheckpoint | null> {
    const checkpoint = await this.writer.withClient(async (client) => {
      const { rows } = await client.query<{ seq: string; hash: string; last: string | null }>(
        'select h.seq, h.hash, (select max(seq) from audit_checkpoint) as last from audit_chain_head h where h.id = 1',
      );
      const head = rows[0];
      if (!head) return null;
      const seq = Number(head.seq);
      this.lastSeq = Math.max(this.lastSeq, head.last === null ? 0 : Number(head.last));
      this.headSeq = Math.max(this.headSeq, seq);
      if (seq === 0 || (seq <= this.lastSeq && !always)) return null;
      const signed = signCheckpoint(this.key.privateKey, { seq, hash: head.hash, at: new Date().toISOString() });
      // Another process may have signed this very head a moment ago: either checkpoint proves it.
      await client.query('insert into audit_checkpoint (seq, hash, at, key_id, signature) values ($1, $2, $3, $4, $5) on conflict (seq) do nothing', [
        signed.seq,
        signed.hash,
        signed.at,
        signed.keyId,
        signed.signature,
      ]);
      this.lastSeq = Math.max(this.lastSeq, seq);
      return signed;
    });
    this.lastAt = Date.now();
    if (checkpoint) {
      await appendFile(path.join(this.config.dataDir, CHECKPOINT_LOG_FILE), `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 }).catch((error: Error) =>
        this.logger.warn(`checkpoint ${checkpoint.seq} not logged to the data folder: ${error.message}`),
      );
    }
    return checkpoint;
  }
}

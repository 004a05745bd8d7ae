import { CausewayError, ErrorCode } from '@causeway/core';

/** How long a refused uploader is told to wait before trying again. */
export const UPLOAD_RETRY_AFTER_SECONDS = 10;

/**
 * The uploads of one process: at most `running` load at once (each holds one database connection
 * for its transaction), at most `queued` more wait their turn in arrival order, and any beyond
 * are refused at once with RATE_LIMITED (HTTP 429, Retry-After) instead of piling up connections.
 */
export class UploadSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly running: number,
    private readonly queued: number,
  ) {}

  get stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Resolves with the function that gives the slot back (call it once, when the upload is over). */
  async acquire(): Promise<() => void> {
    if (this.active >= this.running) {
      if (this.waiting.length >= this.queued) {
        throw new CausewayError(
          ErrorCode.RATE_LIMITED,
          `Too many uploads are running (${this.running} load at once, ${this.queued} may wait); retry in ${UPLOAD_RETRY_AFTER_SECONDS} seconds`,
          { retryAfterSeconds: UPLOAD_RETRY_AFTER_SECONDS },
        );
      }
      // The slot is handed over by the upload that ends (see release): `active` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
  }
}

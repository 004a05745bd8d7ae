import { chainHash } from './canonical.js';
import { GENESIS_HASH, type ChainedAuditRecord } from './audit.types.js';
import type { SignedCheckpoint } from './checkpoint.js';

/**
 * What went wrong first:
 * - MODIFIED: a row's content no longer matches its hash, or (with its hash recomputed) the next row no longer links to it;
 * - DELETED: rows are missing (a gap in the sequence, or the tail is shorter than the head or a checkpoint says);
 * - INSERTED: a row that was never chained (a duplicate sequence number, a row beyond the head, or a row slipped in and the rest renumbered);
 * - REORDERED: rows are chained but in another order;
 * - CHECKPOINT_MISMATCH: the chain is internally consistent but differs from a signed checkpoint (a rewritten, recomputed tail);
 * - CHECKPOINT_INVALID: a checkpoint whose signature does not verify under a trusted key.
 */
export type ChainProblemKind = 'MODIFIED' | 'DELETED' | 'INSERTED' | 'REORDERED' | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_INVALID';

export interface ChainProblem {
  /** The first sequence number that can no longer be trusted. */
  seq: number;
  kind: ChainProblemKind;
  message: string;
}

export interface ChainVerdict {
  ok: boolean;
  /** Sequence numbers checked: from..to (to < from when there was nothing to check). */
  from: number;
  to: number;
  /** Hash of the last row that checked out. */
  headHash: string;
  checkpointsChecked: number;
  problem: ChainProblem | null;
}

export interface VerifyOptions {
  /** The row before the first one given (default: the genesis, seq 0). */
  anchor?: { seq: number; hash: string };
  /** The chain head row, when known: the chain must end exactly there. */
  head?: { seq: number; hash: string };
  /** Checkpoints to hold the chain against. */
  checkpoints?: readonly SignedCheckpoint[];
  /** Whether a checkpoint's signature is valid under a trusted key. */
  checkpointValid?: (checkpoint: SignedCheckpoint) => boolean;
  /** Rows read past a problem to tell what kind it is. */
  lookahead?: number;
}

/** The hash a row would have if it sat at another sequence number (to recognise moved rows). */
function hashAt(row: ChainedAuditRecord, seq: number): string {
  return chainHash(row.prevHash, { ...row, seq });
}

function selfConsistent(row: ChainedAuditRecord): boolean {
  return hashAt(row, row.seq) === row.hash;
}

/**
 * Recomputes a chain row by row (rows in ascending seq order, as stored) and names the first
 * sequence number where it was tampered with. Streaming: push rows, then finish(). It keeps only
 * a few rows in memory, so it verifies chains of any length.
 */
export class ChainVerifier {
  private readonly lookahead: number;
  private readonly checkpoints = new Map<number, SignedCheckpoint>();
  private expected: number;
  private prevHash: string;
  private prevRow: ChainedAuditRecord | null = null;
  private firstSeq: number;
  private checkpointsChecked = 0;
  private lastGoodCheckpoint: SignedCheckpoint | null = null;
  private pending: ChainedAuditRecord[] = [];
  private problem: ChainProblem | null = null;

  constructor(private readonly options: VerifyOptions = {}) {
    const anchor = options.anchor ?? { seq: 0, hash: GENESIS_HASH };
    this.expected = anchor.seq + 1;
    this.firstSeq = anchor.seq + 1;
    this.prevHash = anchor.hash;
    this.lookahead = options.lookahead ?? 32;
    for (const checkpoint of options.checkpoints ?? []) {
      if (checkpoint.seq <= anchor.seq) continue;
      const seen = this.checkpoints.get(checkpoint.seq);
      // Two checkpoints of one seq (two processes, or a forged one) must both hold.
      if (seen && (seen.hash !== checkpoint.hash || !this.valid(seen))) continue;
      this.checkpoints.set(checkpoint.seq, checkpoint);
    }
  }

  /** Feeds the next row; false once the verdict is known and no more rows are needed. */
  push(row: ChainedAuditRecord): boolean {
    if (this.problem) return false;
    if (this.pending.length > 0) {
      this.pending.push(row);
      if (this.pending.length > this.lookahead) this.classify();
      return this.problem === null;
    }
    if (row.seq === this.expected && row.prevHash === this.prevHash && selfConsistent(row)) {
      this.accept(row);
      return this.problem === null;
    }
    this.pending.push(row);
    return true;
  }

  finish(): ChainVerdict {
    if (!this.problem && this.pending.length > 0) this.classify();
    if (!this.problem) this.checkEnd();
    return {
      ok: this.problem === null,
      from: this.firstSeq,
      to: this.expected - 1,
      headHash: this.prevHash,
      checkpointsChecked: this.checkpointsChecked,
      problem: this.problem,
    };
  }

  private valid(checkpoint: SignedCheckpoint): boolean {
    return this.options.checkpointValid ? this.options.checkpointValid(checkpoint) : false;
  }

  private accept(row: ChainedAuditRecord): void {
    const checkpoint = this.checkpoints.get(row.seq);
    if (checkpoint) {
      if (!this.valid(checkpoint)) {
        this.fail(row.seq, 'CHECKPOINT_INVALID', `checkpoint ${row.seq} (key ${checkpoint.keyId}) has no valid signature from a trusted key`);
        return;
      }
      if (checkpoint.hash !== row.hash) {
        const since = (this.lastGoodCheckpoint?.seq ?? this.firstSeq - 1) + 1;
        this.fail(
          since,
          'CHECKPOINT_MISMATCH',
          `the chain is consistent but does not match the checkpoint signed at ${checkpoint.at} for seq ${checkpoint.seq}: ` +
            `events ${since}..${checkpoint.seq} were rewritten and their hashes recomputed` +
            (this.lastGoodCheckpoint ? ` (checkpoint ${this.lastGoodCheckpoint.seq} still matches)` : ''),
        );
        return;
      }
      this.checkpointsChecked += 1;
      this.lastGoodCheckpoint = checkpoint;
    }
    this.prevRow = row;
    this.prevHash = row.hash;
    this.expected = row.seq + 1;
  }

  private fail(seq: number, kind: ChainProblemKind, message: string): void {
    this.problem = { seq, kind, message };
  }

  /** Names what happened at the first row that does not check out, using the rows after it. */
  private classify(): void {
    const window = this.pending;
    const row = window[0]!;
    const expected = this.expected;
    if (row.seq > expected) {
      if (window.slice(1).some((other) => other.seq === expected)) {
        this.fail(expected, 'REORDERED', `event ${expected} comes after event ${row.seq}: rows are out of order`);
        return;
      }
      const last = row.seq - 1;
      this.fail(expected, 'DELETED', last === expected ? `event ${expected} is missing` : `events ${expected}..${last} are missing`);
      return;
    }
    if (row.seq < expected) {
      this.fail(row.seq, 'INSERTED', `a second row claims seq ${row.seq}: one of them was inserted`);
      return;
    }
    const later = window.slice(1);
    if (selfConsistent(row)) {
      // The row is intact but does not link to the previous one.
      if (later.some((other) => other.hash === row.prevHash)) {
        this.fail(expected, 'REORDERED', `event ${expected} follows an event that now sits later in the chain: rows were reordered`);
      } else if (later[0] && later[0].prevHash === this.prevHash) {
        this.fail(expected, 'INSERTED', `event ${expected} was inserted: the row after it links to event ${expected - 1}`);
      } else if (this.prevRow) {
        this.fail(this.prevRow.seq, 'MODIFIED', `event ${this.prevRow.seq} was rewritten with a recomputed hash: event ${expected} no longer links to it`);
      } else {
        this.fail(expected, 'MODIFIED', `event ${expected} does not link to the event before it`);
      }
      return;
    }
    const movedFrom = this.originalSeq(row);
    if (movedFrom !== null && movedFrom > expected) {
      if (later.some((other) => hashAt(other, expected) === other.hash)) {
        this.fail(expected, 'REORDERED', `event ${expected} holds the content chained as event ${movedFrom}: rows were reordered`);
      } else {
        this.fail(expected, 'DELETED', `event ${expected} holds the content chained as event ${movedFrom}: events were deleted and the rest renumbered`);
      }
      return;
    }
    if (movedFrom !== null && movedFrom < expected) {
      this.fail(movedFrom, 'INSERTED', `event ${expected} holds the content chained as event ${movedFrom}: a row was inserted and the rest renumbered`);
      return;
    }
    if (later[0] && later[0].prevHash === this.prevHash && hashAt(later[0], expected) === later[0].hash) {
      this.fail(expected, 'INSERTED', `event ${expected} was inserted: the row after it is the original event ${expected}`);
      return;
    }
    this.fail(expected, 'MODIFIED', `event ${expected} was modified: its content no longer matches its hash`);
  }

  /** The seq a row was chained at, when it was moved intact (searched near where it sits). */
  private originalSeq(row: ChainedAuditRecord): number | null {
    for (let distance = 1; distance <= this.lookahead; distance += 1) {
      for (const candidate of [row.seq + distance, row.seq - distance]) {
        if (candidate > 0 && hashAt(row, candidate) === row.hash) return candidate;
      }
    }
    return null;
  }

  private checkEnd(): void {
    const last = this.expected - 1;
    const head = this.options.head;
    if (head) {
      if (head.seq > last) {
        this.fail(last + 1, 'DELETED', head.seq === last + 1 ? `event ${head.seq} is missing (the chain head is at ${head.seq})` : `events ${last + 1}..${head.seq} are missing (the chain head is at ${head.seq})`);
        return;
      }
      if (head.seq === last && head.hash !== this.prevHash) {
        this.fail(last, 'MODIFIED', `event ${last} was rewritten: the chain head holds another hash for it`);
        return;
      }
      // Rows beyond the head would have been pushed and found: the head is behind the rows.
      if (head.seq < last) {
        this.fail(head.seq + 1, 'INSERTED', `events ${head.seq + 1}..${last} lie beyond the chain head (${head.seq}): they were inserted`);
        return;
      }
    }
    const beyond = [...this.checkpoints.values()].filter((checkpoint) => checkpoint.seq > last && this.valid(checkpoint)).sort((a, b) => a.seq - b.seq)[0];
    if (beyond) {
      this.fail(last + 1, 'DELETED', `checkpoint ${beyond.seq} (signed at ${beyond.at}) vouches for events up to ${beyond.seq}, but the chain ends at ${last}`);
    }
  }
}

/** Verifies a whole chain held in memory (tests, small exports). */
export function verifyChain(rows: Iterable<ChainedAuditRecord>, options: VerifyOptions = {}): ChainVerdict {
  const verifier = new ChainVerifier(options);
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.finish();
}

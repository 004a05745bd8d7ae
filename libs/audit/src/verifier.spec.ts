import { describe, expect, it } from '@jest/globals';
import { createPublicKey } from 'node:crypto';
import type { RequestContext } from '@causeway/core';
import { chainHash, chainRecords, normaliseEvent } from './canonical.js';
import { checkpointSignatureValid, generateSigningKey, keyIdOf, signCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { AuditOutcome, GENESIS_HASH, type ChainedAuditRecord } from './audit.types.js';
import { verifyChain } from './verifier.js';

const ctx: RequestContext = {
  requestId: 'r',
  principal: { kind: 'USER', id: 'u', label: 'user:a@b', departmentId: null, departmentCode: 'DG-TAX', divisionCode: null, roles: [] },
  clientIp: null,
  purpose: null,
  endUserId: null,
  startedAt: 0,
};

function chain(length: number): ChainedAuditRecord[] {
  const events = Array.from({ length }, (_, index) =>
    normaliseEvent(ctx, { action: 'records.query', outcome: AuditOutcome.ALLOWED, dataset: 'AMR-ENT-REG', rowsReturned: index, durationMs: 1 }, new Date(Date.UTC(2026, 10, 21, 0, 0, index))),
  );
  return chainRecords({ seq: 0, hash: GENESIS_HASH }, events);
}

/** Recomputes every hash from a position on, as an attacker with database access could. */
function rechain(rows: ChainedAuditRecord[], from: number): ChainedAuditRecord[] {
  const out = rows.map((row) => ({ ...row }));
  for (let index = from; index < out.length; index += 1) {
    const prevHash = index === 0 ? GENESIS_HASH : out[index - 1]!.hash;
    out[index] = { ...out[index]!, prevHash, hash: chainHash(prevHash, out[index]!) };
  }
  return out;
}

const key = generateSigningKey();
const trusted = new Map([[keyIdOf(createPublicKey(key)), createPublicKey(key)]]);
const valid = (checkpoint: SignedCheckpoint) => checkpointSignatureValid(checkpoint, trusted);
const checkpointAt = (rows: ChainedAuditRecord[], seq: number) => signCheckpoint(key, { seq, hash: rows[seq - 1]!.hash, at: rows[seq - 1]!.at });

describe('the chain verifier', () => {
  it('passes an intact chain, against its head and checkpoints', () => {
    const rows = chain(50);
    const verdict = verifyChain(rows, { head: { seq: 50, hash: rows[49]!.hash }, checkpoints: [checkpointAt(rows, 20), checkpointAt(rows, 50)], checkpointValid: valid });
    expect(verdict).toMatchObject({ ok: true, from: 1, to: 50, headHash: rows[49]!.hash, checkpointsChecked: 2, problem: null });
  });

  it('names a modified row', () => {
    const rows = chain(20);
    rows[6] = { ...rows[6]!, rowsReturned: 9999 };
    expect(verifyChain(rows).problem).toMatchObject({ seq: 7, kind: 'MODIFIED' });
  });

  it('names a modified row whose own hash was recomputed (the next row no longer links)', () => {
    const rows = chain(20);
    rows[6] = { ...rows[6]!, fieldsClear: ['idCard'] };
    rows[6] = { ...rows[6], hash: chainHash(rows[6].prevHash, rows[6]) };
    expect(verifyChain(rows).problem).toMatchObject({ seq: 7, kind: 'MODIFIED' });
  });

  it('names a deleted row', () => {
    const rows = chain(20);
    rows.splice(9, 1);
    expect(verifyChain(rows).problem).toMatchObject({ seq: 10, kind: 'DELETED' });
  });

  it('names deleted rows when the rest was renumbered to close the gap', () => {
    const rows = chain(20);
    rows.splice(9, 2);
    rows.forEach((row, index) => (row.seq = index + 1));
    expect(verifyChain(rows).problem).toMatchObject({ seq: 10, kind: 'DELETED' });
  });

  it('names deleted rows at the end against the chain head and against a checkpoint', () => {
    const rows = chain(20);
    const head = { seq: 20, hash: rows[19]!.hash };
    const checkpoints = [checkpointAt(rows, 20)];
    expect(verifyChain(rows.slice(0, 17), { head }).problem).toMatchObject({ seq: 18, kind: 'DELETED' });
    expect(verifyChain(rows.slice(0, 17), { checkpoints, checkpointValid: valid }).problem).toMatchObject({ seq: 18, kind: 'DELETED' });
  });

  it('names an inserted row with a duplicate sequence number', () => {
    const rows = chain(20);
    const forged = { ...rows[4]!, action: 'forged' };
    rows.splice(5, 0, forged);
    expect(verifyChain(rows).problem).toMatchObject({ seq: 5, kind: 'INSERTED' });
  });

  it('names an inserted row when the rest was renumbered to make room', () => {
    const rows = chain(20);
    const forged = { ...rows[4]!, action: 'forged', hash: 'e'.repeat(64) };
    rows.splice(4, 0, forged);
    rows.forEach((row, index) => (row.seq = index + 1));
    expect(verifyChain(rows).problem).toMatchObject({ seq: 5, kind: 'INSERTED' });
  });

  it('names an inserted row beyond the chain head', () => {
    const rows = chain(20);
    const head = { seq: 19, hash: rows[18]!.hash };
    expect(verifyChain(rows, { head }).problem).toMatchObject({ seq: 20, kind: 'INSERTED' });
  });

  it('names swapped rows as reordered', () => {
    const rows = chain(20);
    const [a, b] = [rows[11]!, rows[12]!];
    rows[11] = { ...b, seq: 12 };
    rows[12] = { ...a, seq: 13 };
    expect(verifyChain(rows).problem).toMatchObject({ seq: 12, kind: 'REORDERED' });
  });

  it('names rows out of sequence order (e.g. in an edited export) as reordered', () => {
    const rows = chain(20);
    [rows[11], rows[12]] = [rows[12]!, rows[11]!];
    expect(verifyChain(rows).problem).toMatchObject({ seq: 12, kind: 'REORDERED' });
  });

  it('catches a tail rewritten with recomputed hashes against an older checkpoint', () => {
    const rows = chain(60);
    const checkpoints = [checkpointAt(rows, 20), checkpointAt(rows, 40)];
    rows[29] = { ...rows[29]!, principal: 'user:someone-else' };
    const rewritten = rechain(rows, 29);
    // Without checkpoints the rewrite is invisible: that is what checkpoints are for.
    expect(verifyChain(rewritten).ok).toBe(true);
    const verdict = verifyChain(rewritten, { checkpoints, checkpointValid: valid });
    expect(verdict.ok).toBe(false);
    expect(verdict.problem).toMatchObject({ seq: 21, kind: 'CHECKPOINT_MISMATCH' });
    expect(verdict.problem!.message).toContain('checkpoint 20 still matches');
  });

  it('refuses a checkpoint forged with another key', () => {
    const rows = chain(30);
    const forged = signCheckpoint(generateSigningKey(), { seq: 10, hash: rows[9]!.hash, at: rows[9]!.at });
    expect(verifyChain(rows, { checkpoints: [forged], checkpointValid: valid }).problem).toMatchObject({ seq: 10, kind: 'CHECKPOINT_INVALID' });
  });

  it('verifies a part of the chain from an anchor', () => {
    const rows = chain(30);
    const verdict = verifyChain(rows.slice(10), { anchor: { seq: 10, hash: rows[9]!.hash } });
    expect(verdict).toMatchObject({ ok: true, from: 11, to: 30 });
    expect(verifyChain(rows.slice(10), { anchor: { seq: 10, hash: 'a'.repeat(64) } }).problem).toMatchObject({ seq: 11 });
  });

  it('passes an empty chain', () => {
    expect(verifyChain([])).toMatchObject({ ok: true, from: 1, to: 0, headHash: GENESIS_HASH });
  });
});

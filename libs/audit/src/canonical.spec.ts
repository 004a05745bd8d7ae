import { describe, expect, it } from '@jest/globals';
import type { RequestContext } from '@causeway/core';
import { AUDIT_EVENT_LIMITS, boundedJson, canonicalBytes, canonicalJson, chainHash, chainRecords, normaliseEvent, referenceCanonicalBytes, storableText } from './canonical.js';
import { AuditOutcome, GENESIS_HASH } from './audit.types.js';

const ctx: RequestContext = {
  requestId: 'req-1',
  principal: { kind: 'CLIENT', id: 'c1', label: 'client:DG-TAX/tax-system', departmentId: 'd1', departmentCode: 'DG-TAX', divisionCode: '440100', roles: [] },
  clientIp: '10.0.0.7',
  purpose: '企业开办核验',
  endUserId: 'clerk-17',
  startedAt: Date.parse('2026-11-21T10:00:00.000Z'),
};
const now = new Date('2026-11-21T10:00:00.042Z');

describe('canonical encoding', () => {
  it('sorts object keys and drops whitespace, so equal values give equal bytes', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}');
    expect(canonicalJson({ y: 2, z: 1 })).toBe(canonicalJson({ z: 1, y: 2 }));
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/non-finite/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });

  it('is stable: the same event always encodes to the same bytes and hash (a changed encoding breaks every stored chain)', () => {
    const record = { ...normaliseEvent(ctx, { action: 'records.query', outcome: AuditOutcome.ALLOWED, dataset: 'AMR-ENT-REG', fieldsRequested: ['uscc', 'name'], rowsReturned: 100, rowScope: { district: { eq: '440106' } } }, now), seq: 1 };
    expect(canonicalBytes(record).toString('utf8')).toBe(
      '{"action":"records.query","at":"2026-11-21T10:00:00.042Z","clientIp":"10.0.0.7","dataset":"AMR-ENT-REG","department":"DG-TAX","detail":null,' +
        '"durationMs":42,"endUserId":"clerk-17","fieldsClear":[],"fieldsMasked":[],"fieldsRefused":[],"fieldsRequested":["uscc","name"],"grantIds":[],' +
        '"grantVersions":[],"outcome":"ALLOWED","principal":"client:DG-TAX/tax-system","principalId":"c1","principalKind":"CLIENT",' +
        '"providerDepartment":null,"purpose":"企业开办核验","reason":null,"requestId":"req-1","rowScope":"{\\"district\\":{\\"eq\\":\\"440106\\"}}",' +
        '"rowsReturned":100,"seq":1,"target":null,"v":1,"version":null}',
    );
    expect(chainHash(GENESIS_HASH, record)).toBe(chainHash(GENESIS_HASH, structuredClone(record)));
    expect(chainHash(GENESIS_HASH, record)).toBe('25b8f8271e011a81a59e5583539c295474f0cee860b85c846ae1957ed86363aa');
  });

  it('writes exactly the bytes of the reference encoding (canonical JSON of every field), whatever the values', () => {
    const variants = [
      normaliseEvent(ctx, { action: 'a', outcome: 'ALLOWED' }, now),
      normaliseEvent(ctx, { action: '查询"引号"\\', outcome: 'DENIED', reason: 'line\nbreak\u2028', dataset: '户籍😀', fieldsRequested: ['姓名', 'a"b'], grants: [{ id: 'g', version: 0 }, { id: 'h' }] }, now),
      normaliseEvent({ ...ctx, clientIp: null, purpose: null }, { action: 'x', outcome: 'ERROR', rowScope: { _or: [{ a: { in: [1, 2.5, -3] } }, { b: { isNull: true } }] }, detail: { z: [], a: { y: null } }, rowsReturned: 0, durationMs: 0, version: 12 }, now),
    ];
    for (const [index, event] of variants.entries()) {
      const record = { ...event, seq: index + 1 };
      expect(canonicalBytes(record).toString('utf8')).toBe(referenceCanonicalBytes(record).toString('utf8'));
    }
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const base = { ...normaliseEvent(ctx, { action: 'records.query', outcome: AuditOutcome.ALLOWED, fieldsClear: ['name'] }, now), seq: 5 };
    const hash = chainHash(GENESIS_HASH, base);
    expect(chainHash(GENESIS_HASH, { ...base, fieldsClear: ['name', 'idCard'] })).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, { ...base, seq: 6 })).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, { ...base, outcome: AuditOutcome.DENIED })).not.toBe(hash);
    expect(chainHash('f'.repeat(64), base)).not.toBe(hash);
  });

  it('takes purpose, end user and duration from the request unless the event says otherwise', () => {
    const event = normaliseEvent(ctx, { action: 'x', outcome: 'DENIED', reason: 'no grant' }, now);
    expect(event).toMatchObject({ purpose: '企业开办核验', endUserId: 'clerk-17', durationMs: 42, department: 'DG-TAX', principal: 'client:DG-TAX/tax-system', reason: 'no grant' });
    expect(normaliseEvent(ctx, { action: 'x', outcome: 'ALLOWED', purpose: null, durationMs: 7 }, now)).toMatchObject({ purpose: null, durationMs: 7 });
  });

  it('merges grant ids with versioned grants, keeping one version per grant', () => {
    const event = normaliseEvent(ctx, { action: 'x', outcome: 'ALLOWED', grantIds: ['g1', 'g2'], grants: [{ id: 'g2', version: 3 }] }, now);
    expect(event.grantIds).toEqual(['g1', 'g2']);
    expect(event.grantVersions).toEqual([-1, 3]);
  });

  it('stores only text PostgreSQL returns unchanged (no NUL, no lone surrogates)', () => {
    expect(storableText('a\0b\uD800c', 100)).toBe('ab\uFFFDc');
    expect(storableText('😀😀', 3)).toBe('😀…');
    expect(storableText('a😀b', 3)).toBe('a…');
  });

  it('an oversized groupBy in an event detail is stored as valid, marked JSON, never cut mid-text', () => {
    const groupBy = Array.from({ length: 10 }, (_, index) => `${index}${'g'.repeat(9_000)}`);
    const event = normaliseEvent(ctx, { action: 'aggregate.query', outcome: 'DENIED', detail: { via: 'aggregate', groupBy, metrics: ['COUNT(*)'] } }, now);
    expect(event.detail!.length).toBeLessThanOrEqual(AUDIT_EVENT_LIMITS.json);
    const stored = JSON.parse(event.detail!) as { via: string; groupBy: string[]; _truncated: boolean; _fullLength: number };
    expect(stored).toMatchObject({ via: 'aggregate', _truncated: true, _fullLength: canonicalJson({ via: 'aggregate', groupBy, metrics: ['COUNT(*)'] }).length });
    expect(stored.groupBy[0]).toMatch(/^0g+…$/);
    // The chain covers exactly the stored text.
    const record = { ...event, seq: 1 };
    expect(canonicalBytes(record).toString('utf8')).toContain(JSON.stringify(event.detail));
  });

  it('bounds a JSON value of any shape: long lists, many keys, deep nesting, or one huge text', () => {
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let level = 0; level < 2_000; level += 1) node = (node.n = { pad: 'p'.repeat(50) }) as Record<string, unknown>;
    const shapes: unknown[] = [
      Array.from({ length: 50_000 }, (_, index) => index),
      Object.fromEntries(Array.from({ length: 5_000 }, (_, index) => [`key${index}`, 'v'.repeat(20)])),
      deep,
      'x'.repeat(1_000_000),
    ];
    for (const shape of shapes) {
      const text = boundedJson(shape, 20_000);
      expect(text.length).toBeLessThanOrEqual(20_000);
      expect(JSON.parse(text)).toMatchObject({ _truncated: true });
    }
    expect(boundedJson({ small: [1, 2] })).toBe('{"small":[1,2]}');
  });

  it('keeps lists of an event bounded and says how many entries were left out', () => {
    const fields = Array.from({ length: 700 }, (_, index) => `f${index}`);
    const event = normaliseEvent(ctx, { action: 'x', outcome: 'ALLOWED', fieldsRequested: fields }, now);
    expect(event.fieldsRequested).toHaveLength(AUDIT_EVENT_LIMITS.list);
    expect(event.fieldsRequested.at(-1)).toBe(`…${700 - (AUDIT_EVENT_LIMITS.list - 1)} more`);
  });

  it('refuses an event without a valid outcome', () => {
    expect(() => normaliseEvent(ctx, { action: 'x', outcome: 'MAYBE' as AuditOutcome }, now)).toThrow(/outcome/);
  });

  it('chains records with consecutive sequence numbers, each linking to the one before', () => {
    const events = [1, 2, 3].map((n) => normaliseEvent(ctx, { action: `a${n}`, outcome: 'ALLOWED' }, now));
    const chained = chainRecords({ seq: 10, hash: GENESIS_HASH }, events);
    expect(chained.map((event) => event.seq)).toEqual([11, 12, 13]);
    expect(chained[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chained[1]!.prevHash).toBe(chained[0]!.hash);
    expect(chained[2]!.hash).toBe(chainHash(chained[1]!.hash, chained[2]!));
  });
});

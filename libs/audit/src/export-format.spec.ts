import { describe, expect, it } from '@jest/globals';
import type { RequestContext } from '@causeway/core';
import { parse } from 'csv-parse/sync';
import { chainRecords, normaliseEvent } from './canonical.js';
import { AuditOutcome, GENESIS_HASH } from './audit.types.js';
import { csvHeader, csvLine, jsonlLine, recordFromCsv, recordFromJson } from './export-format.js';
import { verifyChain } from './verifier.js';

const ctx: RequestContext = {
  requestId: 'r-1',
  principal: { kind: 'CLIENT', id: 'c', label: 'client:DG-TAX/"tax", system', departmentId: null, departmentCode: 'DG-TAX', divisionCode: null, roles: [] },
  clientIp: null,
  purpose: '',
  endUserId: null,
  startedAt: 0,
};

const records = chainRecords(
  { seq: 41, hash: 'a'.repeat(64) },
  [
    normaliseEvent(ctx, { action: 'records.query', outcome: AuditOutcome.ALLOWED, fieldsRequested: ['name', '身份证号'], rowScope: { district: { eq: '440106' } }, rowsReturned: 3, grants: [{ id: 'g', version: 2 }] }, new Date(1_000)),
    normaliseEvent(ctx, { action: 'records.query', outcome: AuditOutcome.DENIED, reason: 'line one\nline "two", with commas', purpose: null }, new Date(2_000)),
  ],
);

describe('evidence files', () => {
  it('read back from JSONL exactly as chained, so they verify offline', () => {
    const back = records.map((record) => recordFromJson(JSON.parse(jsonlLine({ type: 'event', ...record })) as Record<string, unknown>));
    expect(back).toEqual(records);
    expect(verifyChain(back, { anchor: { seq: 41, hash: 'a'.repeat(64) } }).ok).toBe(true);
  });

  it('read back from CSV exactly as chained, telling an empty text from null', () => {
    const text = csvHeader() + records.map(csvLine).join('');
    const rows = parse(text, { bom: true, from_line: 2, cast: (value, context) => ({ value, quoted: context.quoting }) }) as unknown as { value: string; quoted: boolean }[][];
    const back = rows.map(recordFromCsv);
    expect(back).toEqual(records);
    expect(back[0]!.purpose).toBe('');
    expect(back[1]!.purpose).toBeNull();
    expect(verifyChain(back, { anchor: { seq: 41, hash: 'a'.repeat(64) } }).ok).toBe(true);
    expect(verifyChain(back).problem).toMatchObject({ seq: 1, kind: 'DELETED' });
    expect(GENESIS_HASH).toHaveLength(64);
  });

  it('a CSV export opens in Excel on Chinese Windows: it starts with a UTF-8 byte order mark, and JSONL does not', () => {
    const csv = Buffer.from(csvHeader() + records.map(csvLine).join(''), 'utf8');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.indexOf(Buffer.from('\uFEFF', 'utf8'), 3)).toBe(-1);
    const header = parse(csv, { bom: true, to_line: 1 }) as string[][];
    expect(header[0]![0]).toBe('seq');

    const jsonl = Buffer.from(records.map((record) => jsonlLine({ type: 'event', ...record })).join(''), 'utf8');
    expect(jsonl[0]).toBe('{'.charCodeAt(0));
    expect(jsonl.includes(Buffer.from('\uFEFF', 'utf8'))).toBe(false);
  });
});

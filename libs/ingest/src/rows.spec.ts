import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyEncoder, ErrorLog, LineMap, REPORTED_ERRORS, type RawRow } from './rows.js';

describe('LineMap', () => {
  it('answers the line of each row, storing only where the distance changes', () => {
    const map = new LineMap();
    // Header on line 1; a record spanning lines 4–5; a blank line 7.
    [[1, 2], [2, 3], [3, 4], [4, 6], [5, 8], [6, 9]].forEach(([row, line]) => map.record(row!, line!));
    expect([1, 2, 3, 4, 5, 6].map((row) => map.lineOf(row))).toEqual([2, 3, 4, 6, 8, 9]);
    expect(map.lineOf(0)).toBeNull();
  });

  it('stops growing at its limit and then says it does not know', () => {
    const map = new LineMap(2);
    [[1, 2], [2, 4], [3, 6], [4, 8]].forEach(([row, line]) => map.record(row!, line!));
    expect(map.lineOf(1)).toBe(2);
    expect(map.lineOf(4)).toBeNull();
  });
});

describe('ErrorLog', () => {
  it('lists the first errors in full and counts the rest', () => {
    const log = new ErrorLog();
    for (let i = 0; i < REPORTED_ERRORS + 5; i += 1) log.add({ line: i, field: null, reason: 'x' });
    expect(log.listed).toHaveLength(REPORTED_ERRORS);
    expect(log.total).toBe(REPORTED_ERRORS + 5);
  });
});

describe('CopyEncoder', () => {
  it('numbers accepted rows 1..N, writes COPY text, and reports refused rows by line and field', async () => {
    const encoder = new CopyEncoder([
      { name: 'code', type: FieldType.STRING, nullable: false },
      { name: 'count', type: FieldType.INTEGER, nullable: true },
    ]);
    const batch: RawRow[] = [
      { line: 2, cells: ['a\tb', '1'] },
      { line: 3, cells: ['', 'x'] },
      { line: 4, cells: null, problem: 'has 3 values where the header has 2 columns' },
      { line: 5, cells: ['c', ''], plain: true },
    ];
    let copy = '';
    await pipeline(
      Readable.from([batch]),
      encoder,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          copy += chunk.toString();
          callback();
        },
      }),
    );
    expect(copy).toBe('1\ta\\tb\t1\n2\tc\t\\N\n');
    expect(encoder.errors.listed).toEqual([
      { line: 3, field: 'code', reason: expect.stringMatching(/required/) },
      { line: 3, field: 'count', reason: expect.stringMatching(/not a whole number/) },
      { line: 4, field: null, reason: 'has 3 values where the header has 2 columns' },
    ]);
    expect(encoder.errors.rejectedRows).toBe(2);
    expect(encoder.lines.lineOf(2)).toBe(5);
  });
});

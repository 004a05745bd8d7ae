import { describe, expect, it } from '@jest/globals';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JsonArrayRowStream, NdjsonRowStream } from './json.js';
import type { RawRow } from './rows.js';

const FIELDS = [
  { name: 'creditCode', title: '统一社会信用代码', nullable: false },
  { name: 'entName', title: '企业名称', nullable: true },
];

async function rows(stream: JsonArrayRowStream | NdjsonRowStream, text: string, pieceSize = text.length): Promise<RawRow[]> {
  const found: RawRow[] = [];
  const pieces = Array.from({ length: Math.ceil(text.length / pieceSize) }, (_v, i) => Buffer.from(text.slice(i * pieceSize, (i + 1) * pieceSize)));
  await pipeline(
    Readable.from(pieces),
    stream,
    new Writable({
      objectMode: true,
      write(batch: RawRow[], _encoding, callback) {
        found.push(...batch);
        callback();
      },
    }),
  );
  return found;
}

describe('JSON array reader', () => {
  const text = '[\n {"creditCode": "A1", "entName": "甲 ] } \\" ,"},\n {"统一社会信用代码": "A2", "企业名称": null},\n 42, "x", [1], null\n]\n';

  it.each([1, 3, 7, 1000])('splits elements at the right places in %i-character pieces, with their lines', async (size) => {
    const found = await rows(new JsonArrayRowStream(FIELDS), text, size);
    expect(found.map((row) => [row.line, row.cells ?? row.problem])).toEqual([
      [2, ['A1', '甲 ] } " ,']],
      [3, ['A2', null]],
      [4, expect.stringMatching(/a number, not an object/)],
      [4, expect.stringMatching(/a string, not an object/)],
      [4, expect.stringMatching(/a list, not an object/)],
      [4, expect.stringMatching(/null, not an object/)],
    ]);
  });

  it.each([
    ['{"a": 1}', 'NOT_ARRAY_OF_OBJECTS'],
    ['', 'EMPTY_FILE'],
    ['[{"creditCode": "A1"}', 'MALFORMED_JSON'],
    ['[{"creditCode": "A1"} {"creditCode": "A2"}]', 'MALFORMED_JSON'],
    ['[{"creditCode": "A1"}] x', 'MALFORMED_JSON'],
    ['[{"other": 1}]', 'UNKNOWN_COLUMNS'],
  ])('refuses %j (%s)', async (input, reason) => {
    await expect(rows(new JsonArrayRowStream(FIELDS), input)).rejects.toMatchObject({ reason });
  });

  it('refuses an element longer than the record-size limit', async () => {
    await expect(rows(new JsonArrayRowStream(FIELDS, 100), `[{"creditCode": "${'x'.repeat(200)}"}]`, 10)).rejects.toMatchObject({ reason: 'RECORD_TOO_LARGE' });
  });
});

describe('NDJSON reader', () => {
  it('reads one object per line, skipping blank lines, reporting bad lines as rows', async () => {
    const found = await rows(new NdjsonRowStream(FIELDS), '{"creditCode":"A1"}\n\n{oops}\n[1]\n{"entName":"乙","creditCode":"A2"}', 4);
    expect(found.map((row) => [row.line, row.cells ?? row.problem])).toEqual([
      [1, ['A1', undefined]],
      [3, expect.stringMatching(/not valid JSON/)],
      [4, expect.stringMatching(/a list, not an object/)],
      [5, ['A2', '乙']],
    ]);
  });
});

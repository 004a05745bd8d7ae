import { describe, expect, it } from '@jest/globals';
import { CsvTokenizer } from './csv.js';
import { IngestFailure } from './failure.js';

function tokenize(text: string, pieceSize = text.length, options: { maxRecordSize?: number } = {}): { fields: string[]; line: number; plain: boolean }[] {
  const records: { fields: string[]; line: number; plain: boolean }[] = [];
  const tokenizer = new CsvTokenizer((fields, line, plain) => records.push({ fields, line, plain }), options);
  for (let at = 0; at < text.length; at += pieceSize) tokenizer.push(text.slice(at, at + pieceSize), false);
  tokenizer.push('', true);
  return records;
}

describe('CSV tokenizer', () => {
  const sample = 'a,b,c\r\n1,"x, ""y""\nz",3\n\n4,,\n"5",6,"7"';

  it.each([1, 2, 3, 5, 1000])('reads quoted fields, doubled quotes, embedded newlines, CRLF and blank lines in %i-character pieces', (size) => {
    expect(tokenize(sample, size).map(({ fields, line }) => [line, fields])).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x, "y"\nz', '3']],
      [5, ['4', '', '']],
      [6, ['5', '6', '7']],
    ]);
  });

  it('marks rows whose text needs COPY escaping', () => {
    expect(tokenize('a,b\n1,2\n"x\ny",3\nq\\r,4\n').map((record) => record.plain)).toEqual([false, false, false, false]);
    expect(tokenize('a,b\r\n1,2\r\n').map((record) => record.plain)).toEqual([true, true]);
    expect(tokenize('a,b\n"x\ty",2\n').map((record) => record.plain)).toEqual([false, false]);
  });

  it('keeps a stray quote inside an unquoted field as text', () => {
    expect(tokenize('a,b\n12"3,4\n')[1]!.fields).toEqual(['12"3', '4']);
  });

  it('reads tab-, semicolon- and pipe-separated files', () => {
    expect(tokenize('a\tb\n1\t2\n')[1]!.fields).toEqual(['1', '2']);
    expect(tokenize('a;b\n1;2\n')[1]!.fields).toEqual(['1', '2']);
    expect(tokenize('a|b\n1|2\n')[1]!.fields).toEqual(['1', '2']);
  });

  it('refuses an unterminated quote, naming the line it opens on', () => {
    const error = (() => {
      try {
        tokenize('a,b\n1,2\n3,"open\n4,5\n');
        return null;
      } catch (caught) {
        return caught as IngestFailure;
      }
    })();
    expect(error).toBeInstanceOf(IngestFailure);
    expect(error).toMatchObject({ reason: 'MALFORMED_CSV', details: { line: 3 } });
  });

  it('refuses text after a closing quote', () => {
    expect(() => tokenize('a,b\n"x"y,2\n')).toThrow(/after the closing quote/);
  });

  it('refuses a record longer than the limit while holding no more than the limit', () => {
    const tokenizer = new CsvTokenizer(() => undefined, { maxRecordSize: 1000 });
    tokenizer.push('a,b\n', false);
    expect(() => {
      for (let i = 0; i < 100; i += 1) tokenizer.push('x'.repeat(100), false);
    }).toThrow(/line 2 is longer than 1000 characters/);
  });
});

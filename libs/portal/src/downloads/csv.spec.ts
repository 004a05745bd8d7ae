import { describe, expect, it } from '@jest/globals';
import { csvCell, csvHeader, csvRow, neutraliseFormula, UTF8_BOM } from './csv.js';

describe('CSV cells', () => {
  it('neutralises every cell a spreadsheet would run as a formula: = + - @, tab and CR', () => {
    for (const cell of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\tcmd', '\r=1']) expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it('leaves other text as it is, including a formula character that is not first', () => {
    for (const cell of ['a=1', '企业', '', ' =1', "'already"]) expect(neutraliseFormula(cell)).toBe(cell);
  });

  it('quotes a cell holding the delimiter, a quote or a line break, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a\tb', '\t')).toBe('"a\tb"');
  });

  it('neutralises text columns only, so that negative numbers stay numbers', () => {
    expect(csvRow(['=cmd()', '-5', null], { textColumns: [true, false, true] })).toBe("'=cmd(),-5,\r\n");
    expect(csvRow(['-5'], { textColumns: [true] })).toBe("'-5\r\n");
  });

  it('neutralises before quoting, so that a quoted formula is caught too', () => {
    expect(csvRow(['=HYPERLINK("x","y")'], { textColumns: [true] })).toBe(`"'=HYPERLINK(""x"",""y"")"\r\n`);
  });

  it('writes the header with CRLF, and the BOM is the UTF-8 byte-order mark', () => {
    expect(csvHeader(['a', 'b'])).toBe('a,b\r\n');
    expect(Buffer.from(UTF8_BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { converterFor, copyText, Rejection, toBoolean, toDate, toDateTime, toDecimal, toInteger, toJson, toText } from './values.js';

const reason = (value: unknown): string | null => (value instanceof Rejection ? value.reason : null);

describe('value conversion', () => {
  it('escapes text for COPY and refuses NUL', () => {
    expect(copyText('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(copyText('广州')).toBe('广州');
    expect(reason(copyText('a\0b'))).toMatch(/NUL/);
  });

  it.each([
    ['42', '42'],
    ['-7', '-7'],
    ['+7', '7'],
    ['1,234,567', '1234567'],
    ['１２３', '123'],
    [' 12 ', '12'],
    ['12.00', '12'],
    [12, '12'],
    ['9223372036854775807', '9223372036854775807'],
  ])('reads the integer %j', (input, output) => {
    expect(toInteger(input)).toBe(output);
  });

  it.each(['3.5', '1e3', 'abc', '12,34', '9223372036854775808', 3.5, 2 ** 60, true])('refuses %j as an integer', (input) => {
    expect(toInteger(input)).toBeInstanceOf(Rejection);
  });

  it.each([
    ['1200.50', '1200.50'],
    ['1,200.50', '1200.50'],
    ['+3', '3'],
    ['.5', '.5'],
    ['1e-3', '1e-3'],
    ['－１.５', '-1.5'],
    [0.25, '0.25'],
  ])('reads the decimal %j', (input, output) => {
    expect(toDecimal(input)).toBe(output);
  });

  it.each(['一百', '1.2.3', 'NaN', 'Infinity', Number.NaN, {}])('refuses %j as a decimal', (input) => {
    expect(toDecimal(input)).toBeInstanceOf(Rejection);
  });

  it.each([
    ['是', 't'],
    ['否', 'f'],
    ['true', 't'],
    ['FALSE', 'f'],
    ['1', 't'],
    ['0', 'f'],
    [true, 't'],
    [0, 'f'],
  ])('reads the yes/no value %j', (input, output) => {
    expect(toBoolean(input)).toBe(output);
  });

  it('refuses other yes/no words, naming the accepted ones', () => {
    expect(reason(toBoolean('也许'))).toMatch(/是\/否, true\/false or 1\/0/);
    expect(toBoolean('yes')).toBeInstanceOf(Rejection);
  });

  it.each([
    ['2024-01-31', '2024-01-31'],
    ['2024/1/31', '2024-01-31'],
    ['2024.1.5', '2024-01-05'],
    ['2024年1月31日', '2024-01-31'],
    ['２０２４年１月３１日', '2024-01-31'],
    ['20240131', '2024-01-31'],
    ['2024-02-29', '2024-02-29'],
    ['2024-01-31 00:00:00', '2024-01-31'],
  ])('reads the date %j', (input, output) => {
    expect(toDate(input)).toBe(output);
  });

  it.each([
    ['2023-02-29', /not a real calendar date/],
    ['1900-02-29', /not a real calendar date/],
    ['2024-13-01', /not a real calendar date/],
    ['31/01/2024', /not a date/],
    ['2024-01-31 08:30', /time of day/],
    ['二〇二四年一月', /not a date/],
  ])('refuses the date %j', (input, message) => {
    expect(reason(toDate(input))).toMatch(message);
  });

  it.each([
    ['2024-01-31 08:30:00', '2024-01-31 08:30:00+08:00'],
    ['2024-01-31T08:30:00Z', '2024-01-31T08:30:00+00:00'],
    ['2024/1/31 8:30', '2024-01-31T08:30:00+08:00'],
    ['2024年1月31日 8时30分', '2024-01-31T08:30:00+08:00'],
    ['2024-01-31 08:30:00.123+0530', '2024-01-31T08:30:00.123+05:30'],
    ['2024-01-31', '2024-01-31T00:00:00+08:00'],
  ])('reads the date and time %j (China Standard Time unless a zone is given)', (input, output) => {
    expect(toDateTime(input)).toBe(output);
  });

  it.each(['2024-01-31 24:00', '2024-01-31 08:61', '2024-01-31 morning'])('refuses the date and time %j', (input) => {
    expect(toDateTime(input)).toBeInstanceOf(Rejection);
  });

  it('reads JSON text and values, refusing what jsonb cannot hold', () => {
    expect(toJson('{ "a": [1, 2] }')).toBe('{"a":[1,2]}');
    expect(toJson({ a: '\t' })).toBe('{"a":"\\\\t"}');
    expect(reason(toJson('{oops'))).toMatch(/not valid JSON/);
    expect(reason(toJson('"\\u0000"'))).toMatch(/NUL/);
  });

  it('refuses a number too long for Excel to have kept exact where text is expected', () => {
    expect(toText(13800138000)).toBe('13800138000');
    expect(reason(toText(Number("440106199001011234")))).toMatch(/too long to be exact/);
    expect(toText({})).toBeInstanceOf(Rejection);
  });

  it('treats blank cells as null, and refuses them where the field is required', () => {
    const optional = converterFor({ name: 'n', type: FieldType.INTEGER, nullable: true });
    const required = converterFor({ name: 'n', type: FieldType.INTEGER, nullable: false });
    const text = converterFor({ name: 't', type: FieldType.STRING, nullable: false });
    expect(optional('')).toBeNull();
    expect(optional('   ')).toBeNull();
    expect(optional(undefined)).toBeNull();
    expect(reason(required(''))).toMatch(/required/);
    expect(reason(text(''))).toMatch(/required/);
    expect(text('  ')).toBe('  ');
  });

  it('passes text of a plain row without escaping, and escapes it otherwise', () => {
    const text = converterFor({ name: 't', type: FieldType.STRING, nullable: true });
    expect(text('a\\b', false)).toBe('a\\\\b');
    expect(text('ab', true)).toBe('ab');
  });
});

// Type only: this module also runs in the ingest worker, which must not load the catalogue (and
// with it Nest, TypeORM and GraphQL) for an enum. FieldType's values are its names.
import type { FieldType } from '@causeway/catalogue';

/** Why one value was refused; converters return it instead of throwing (rows are many, refusals few). */
export class Rejection {
  constructor(readonly reason: string) {}
}

/** A converted value as PostgreSQL COPY text (already escaped), null for SQL NULL, or a refusal. */
export type Converted = string | null | Rejection;
/**
 * `plain`: the reader vouches that text values hold nothing COPY must escape (no backslash, tab,
 * CR, LF or NUL), so text passes as it is: the per-value check is the hot path of a large upload.
 */
export type Converter = (value: unknown, plain?: boolean) => Converted;

export interface ConvertibleField {
  name: string;
  type: FieldType;
  nullable: boolean;
}

const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes text for COPY's text format; PostgreSQL text cannot hold NUL, so that is refused. */
export function copyText(text: string): string | Rejection {
  if (!COPY_SPECIAL.test(text)) return text;
  if (text.includes('\0')) return new Rejection('contains a NUL character, which text cannot hold');
  return text.replace(/[\\\t\n\r]/g, (char) => COPY_ESCAPES[char]!);
}

/** The value is absent: null/undefined, or an empty (for non-text types: blank) cell. */
function isBlank(value: unknown, text: boolean): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'string') return false;
  return text ? value === '' : value.trim() === '';
}

/** Full-width digits, signs and punctuation (common in Chinese office files) become ASCII. */
function normalised(value: string): string {
  const trimmed = value.trim();
  return /[^\x20-\x7e]/.test(trimmed) ? trimmed.normalize('NFKC') : trimmed;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const INTEGER = /^[+-]?\d+(\.0+)?$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?$/;
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

/** Up to 15 digits with an optional minus: exact, in range, and already what PostgreSQL reads. */
function plainInteger(text: string): boolean {
  const length = text.length;
  let start = text.charCodeAt(0) === 45 ? 1 : 0;
  if (length === start || length - start > 15) return false;
  for (; start < length; start += 1) {
    const code = text.charCodeAt(start);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

export function toInteger(value: unknown): Converted {
  if (typeof value === 'string' && plainInteger(value)) return value;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    return new Rejection(Number.isInteger(value) ? `${value} is too large to be exact; send it as text` : `${value} is not a whole number`);
  }
  if (typeof value !== 'string') return new Rejection(`expected a whole number, got ${describe(value)}`);
  let text = normalised(value);
  if (GROUPED.test(text)) text = text.replace(/,/g, '');
  if (!INTEGER.test(text)) return new Rejection(`"${clip(value)}" is not a whole number`);
  const digits = text.replace(/\.0+$/, '');
  const big = BigInt(digits);
  if (big < BIGINT_MIN || big > BIGINT_MAX) return new Rejection(`${clip(value)} is out of range for a 64-bit integer`);
  return big.toString();
}

export function toDecimal(value: unknown): Converted {
  if (typeof value === 'string' && DECIMAL.test(value)) return value.charCodeAt(0) === 43 ? value.slice(1) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : new Rejection(`${value} is not a number`);
  if (typeof value !== 'string') return new Rejection(`expected a number, got ${describe(value)}`);
  let text = normalised(value);
  if (GROUPED.test(text)) text = text.replace(/,/g, '');
  if (!DECIMAL.test(text)) return new Rejection(`"${clip(value)}" is not a number`);
  return text.startsWith('+') ? text.slice(1) : text;
}

const TRUE_WORDS = new Set(['是', 'true', '1']);
const FALSE_WORDS = new Set(['否', 'false', '0']);

export function toBoolean(value: unknown): Converted {
  if (typeof value === 'string') {
    if (TRUE_WORDS.has(value)) return 't';
    if (FALSE_WORDS.has(value)) return 'f';
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === 1 || value === 0) return value === 1 ? 't' : 'f';
  if (typeof value !== 'string') return new Rejection(`expected 是/否, true/false or 1/0, got ${describe(value)}`);
  const word = normalised(value).toLowerCase();
  if (TRUE_WORDS.has(word)) return 't';
  if (FALSE_WORDS.has(word)) return 'f';
  return new Rejection(`"${clip(value)}" is not a yes/no value; use 是/否, true/false or 1/0`);
}

const DATE_PATTERNS: RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日/,
  /^(\d{4})(\d{2})(\d{2})/,
];

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

const digit = (text: string, at: number): number => {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : -1000;
};

/** YYYY-MM-DD at the start of `text` (the common case, checked without a regular expression), or null. */
function isoDateAt(text: string): boolean {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A calendar date at the start of `text`, with the length it took; null if there is none. */
function leadingDate(text: string): { iso: string; length: number } | Rejection | null {
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const [whole, y, m, d] = match;
    const year = Number(y);
    const month = Number(m);
    const day = Number(d);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return new Rejection(`"${clip(text)}" is not a real calendar date`);
    return { iso: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, length: whole!.length };
  }
  return null;
}

const DATE_FORMATS = '2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日 or 20240131';

/** Dates in the common Chinese formats; a time of exactly midnight may follow (database exports). */
export function toDate(value: unknown): Converted {
  if (typeof value === 'string' && value.length === 10 && isoDateAt(value)) return value;
  if (typeof value !== 'string') return new Rejection(`expected a date (${DATE_FORMATS}), got ${describe(value)}`);
  const text = normalised(value);
  const date = leadingDate(text);
  if (date instanceof Rejection) return date;
  if (!date) return new Rejection(`"${clip(value)}" is not a date; use ${DATE_FORMATS}`);
  const rest = text.slice(date.length).trim();
  if (rest !== '' && !/^(T|\s)?0{1,2}:00(:00(\.0+)?)?$/.test(rest) && !/^0{1,2}时0{1,2}分(0{1,2}秒)?$/.test(rest)) {
    return new Rejection(`"${clip(value)}" is not a date (it has a time of day); use ${DATE_FORMATS}`);
  }
  return date.iso;
}

const TIME = /^(?:T|\s+)?(\d{1,2})(?::(\d{2})(?::(\d{2})(\.\d{1,6})?)?|时(?:(\d{1,2})分(?:(\d{1,2})秒)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Date and time; without a zone the time is China Standard Time (+08:00, no daylight saving since
 * 1991), which is what government systems here record. The output carries its offset explicitly.
 */
const PLAIN_TIME = /^ (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

export function toDateTime(value: unknown): Converted {
  if (typeof value === 'string' && value.length === 19 && isoDateAt(value) && PLAIN_TIME.test(value.slice(10))) return `${value}+08:00`;
  if (typeof value !== 'string') return new Rejection(`expected a date and time such as 2024-01-31 08:30:00, got ${describe(value)}`);
  const text = normalised(value);
  const date = leadingDate(text);
  if (date instanceof Rejection) return date;
  if (!date) return new Rejection(`"${clip(value)}" is not a date and time; use e.g. 2024-01-31 08:30:00 or 2024年1月31日 8时30分`);
  const rest = text.slice(date.length);
  if (rest.trim() === '') return `${date.iso}T00:00:00+08:00`;
  const match = TIME.exec(rest);
  if (!match) return new Rejection(`"${clip(value)}" has no time we can read; use e.g. 2024-01-31 08:30:00`);
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? match[5] ?? 0);
  const second = Number(match[3] ?? match[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return new Rejection(`"${clip(value)}" is not a real time of day`);
  const fraction = match[4] ?? '';
  const zone = match[7] ? (match[7].toUpperCase() === 'Z' ? '+00:00' : match[7].includes(':') ? match[7] : `${match[7].slice(0, 3)}:${match[7].slice(3)}`) : '+08:00';
  return `${date.iso}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${zone}`;
}

export function toJson(value: unknown): Converted {
  let json: string;
  if (typeof value === 'string') {
    try {
      json = JSON.stringify(JSON.parse(value));
    } catch {
      return new Rejection(`"${clip(value)}" is not valid JSON`);
    }
  } else {
    json = JSON.stringify(value);
  }
  // jsonb refuses the NUL character even when escaped.
  if (json.includes('\\u0000')) return new Rejection('contains a NUL character, which jsonb cannot hold');
  return copyText(json);
}

export function toText(value: unknown): Converted {
  if (typeof value === 'string') return copyText(value);
  if (typeof value === 'number') {
    // Excel keeps 15 significant digits: a long identifier typed as a number has lost digits already.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return new Rejection(`${value} is a number too long to be exact (was the column stored as a number in Excel?); store it as text`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return new Rejection(`expected text, got ${describe(value)}`);
}

const BY_TYPE: Record<`${FieldType}`, Converter> = {
  STRING: toText,
  INTEGER: toInteger,
  DECIMAL: toDecimal,
  BOOLEAN: toBoolean,
  DATE: toDate,
  DATETIME: toDateTime,
  JSON: toJson,
};

const REQUIRED = new Rejection('is required: the field is not nullable');

/** The converter for one field, nullability included (a blank cell is a null). */
export function converterFor(field: ConvertibleField): Converter {
  const blank = field.nullable ? null : REQUIRED;
  if (field.type === ('STRING' as FieldType)) {
    return (value, plain) => {
      if (typeof value === 'string') {
        if (value === '') return blank;
        return plain ? value : copyText(value);
      }
      return value === null || value === undefined ? blank : toText(value);
    };
  }
  const convert = BY_TYPE[field.type];
  return (value) => {
    if (value === null || value === undefined || value === '') return blank;
    const converted = convert(value);
    // Whitespace alone is a blank cell too; looked at only when the value was refused.
    if (converted instanceof Rejection && isBlank(value, false)) return blank;
    return converted;
  };
}

/** Values quoted in reports are cut short: a report must not echo a megabyte cell. */
export function clip(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

import { FieldType, MaskType } from '@causeway/catalogue';
import { createHmac } from 'node:crypto';

/**
 * Masks (ARCHITECTURE §2, Field.mask), applied by the row mapper before a value leaves the
 * database layer. Every mask is a pure function of the clear value (and, for HASH, a key and the
 * consumer department), so that a masked answer does not change unless the clear value does.
 */

const SURROGATE = /[\uD800-\uDFFF]/;
/** Characters (code points): text without surrogate pairs (nearly all) is sliced directly. */
const codePoints = (text: string): string[] | null => (SURROGATE.test(text) ? Array.from(text) : null);
const stars = (count: number): string => '*'.repeat(Math.max(count, 0));

/** Keeps `head` characters and `tail` characters, stars in between (all stars when too short). */
function keepEnds(value: string, head: number, tail: number, minimum: number): string {
  const points = codePoints(value);
  const length = points ? points.length : value.length;
  if (length < minimum) return stars(length);
  if (!points) return value.slice(0, head) + stars(length - head - tail) + (tail > 0 ? value.slice(-tail) : '');
  return points.slice(0, head).join('') + stars(length - head - tail) + (tail > 0 ? points.slice(-tail).join('') : '');
}

/** 440101199001011234 → 4401**********1234 */
export function maskIdCard(value: string): string {
  return keepEnds(value, 4, 4, 9);
}

/** 13812345678 → 138****5678 */
export function maskPhone(value: string): string {
  return keepEnds(value, 3, 4, 8);
}

/** 张三 → 张*, 欧阳娜娜 → 欧***; a Latin name keeps its first letter. */
export function maskName(value: string): string {
  const name = value.trim();
  const length = codePoints(name)?.length ?? name.length;
  return length <= 1 ? '*' : keepEnds(name, 1, 0, 2);
}

/** li.na@amr.gov.cn → l***@amr.gov.cn */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return stars(3);
  return `${(codePoints(value) ?? [value.charAt(0)])[0]}***${value.slice(at)}`;
}

/** 广东省广州市天河区天河路385号 → 广东省广州市天河区***: kept to the district (区/县/旗) level, else the city. */
export function maskAddress(value: string): string {
  // A 区 far into the text is a compound (小区) or a zone, not the district: fall back to the city.
  const district = /^(.{1,14}?(?:区|县|旗))/u.exec(value);
  if (district && district[1]!.length < value.length) return `${district[1]}***`;
  const city = /^(.{1,10}?市)/u.exec(value);
  if (city && city[1]!.length < value.length) return `${city[1]}***`;
  return stars(3);
}

/** Keeps the last four characters: ****5678 */
export function maskLast4(value: string): string {
  const points = codePoints(value);
  const length = points ? points.length : value.length;
  return length <= 4 ? stars(length) : `****${points ? points.slice(-4).join('') : value.slice(-4)}`;
}

/** The year of a date ("1990-05-01" → "1990") or date-time (UTC). */
export function yearOnly(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : String(value.getUTCFullYear());
  if (typeof value === 'string') {
    const year = value.slice(0, 4);
    return /^\d{4}$/.test(year) ? year : null;
  }
  return null;
}

/** Text form of a clear value, for HASH: stable for equal values of one type. */
export function canonicalText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * Keyed hash, stable per consumer department: two departments get different hashes of one value,
 * so a hash joins records within a department and cannot be correlated across departments or
 * reversed by hashing guesses without the key.
 */
export function keyedHash(key: Buffer, scope: string, value: unknown): string {
  return createHmac('sha256', key).update(scope).update('\u0000').update(canonicalText(value)).digest('hex').slice(0, 32);
}

export interface MaskContext {
  hashKey: Buffer;
  /** What HASH values are stable within: the consumer department (or "anonymous"). */
  hashScope: string;
}

/** Masks one clear value. Null stays null; REDACT of anything but text is null. */
export function maskValue(mask: MaskType, type: FieldType, value: unknown, context: MaskContext): unknown {
  if (value === null || value === undefined) return null;
  switch (mask) {
    case MaskType.NONE:
    case MaskType.REDACT:
      return type === FieldType.STRING ? '***' : null;
    case MaskType.HASH:
      return keyedHash(context.hashKey, context.hashScope, value);
    case MaskType.YEAR_ONLY:
      return yearOnly(value);
    case MaskType.ID_CARD:
      return maskIdCard(String(value));
    case MaskType.PHONE:
      return maskPhone(String(value));
    case MaskType.NAME:
      return maskName(String(value));
    case MaskType.EMAIL:
      return maskEmail(String(value));
    case MaskType.ADDRESS:
      return maskAddress(String(value));
    case MaskType.LAST4:
      return maskLast4(String(value));
  }
}

/** Whether a mask changes a value's type (the typed schema then serves the field as String). */
export function maskYieldsText(mask: MaskType, type: FieldType): boolean {
  return (mask === MaskType.HASH || mask === MaskType.YEAR_ONLY) && type !== FieldType.STRING;
}

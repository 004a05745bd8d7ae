import { FieldType, type DisputedKeyGroup } from '@causeway/catalogue';
import type { InputProblem } from '@causeway/core';
import { normaliseValue } from '@causeway/policy';
import type { ObjectionKeyField } from './objection.entity.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{1,63}$/;
const PHONE = /^\+?[0-9][0-9 -]{5,19}$/;

/** Whether a contact is an e-mail address or a phone number (what a provider can reach). */
export function isContact(value: string): boolean {
  return EMAIL.test(value) || PHONE.test(value);
}

/** A key value as text, the form tuples are compared in (a row's value and a cited one alike). */
export function keyText(type: FieldType, value: unknown): string | null {
  const normal = normaliseValue(type, value);
  if (normal === null) return null;
  if (type === FieldType.DECIMAL && typeof normal === 'string') return normaliseDecimal(normal);
  if (type === FieldType.DATETIME && typeof normal === 'string') return new Date(normal).toISOString();
  return String(normal);
}

/** 12.50, 12.5 and +12.5 are one key. */
function normaliseDecimal(text: string): string {
  const negative = text.startsWith('-');
  let [whole = '0', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const body = fraction ? `${whole}.${fraction}` : whole;
  return negative && body !== '0' ? `-${body}` : body;
}

/**
 * The cited records as key tuples (in the order of the key fields), duplicates dropped, or the
 * problems naming each bad one (`input.records[2].creditCode`); values are never echoed.
 */
export function parseRecordKeys(records: readonly unknown[], keyFields: readonly ObjectionKeyField[]): { tuples: (string | boolean)[][]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const tuples: (string | boolean)[][] = [];
  const seen = new Set<string>();
  const names = keyFields.map((field) => field.name).join(', ');
  records.forEach((record, index) => {
    const at = `input.records[${index}]`;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      problems.push({ field: at, message: `must be an object of the key fields (${names})` });
      return;
    }
    const given = record as Record<string, unknown>;
    const extra = Object.keys(given).filter((name) => !keyFields.some((field) => field.name === name));
    if (extra.length > 0) problems.push({ field: at, message: `names records by the key fields only (${names}); ${extra.length} other name(s) given` });
    const tuple: (string | boolean)[] = [];
    for (const field of keyFields) {
      const value = given[field.name];
      const normal = value === undefined || value === null ? null : normaliseValue(field.type, value);
      if (normal === null) {
        problems.push({ field: `${at}.${field.name}`, message: value === undefined || value === null ? 'is required: a key field' : `is not a valid ${field.type} value` });
        return;
      }
      tuple.push(field.type === FieldType.DECIMAL && typeof normal === 'string' ? normaliseDecimal(normal) : normal);
    }
    if (extra.length > 0) return;
    const identity = JSON.stringify(tuple);
    if (!seen.has(identity)) {
      seen.add(identity);
      tuples.push(tuple);
    }
  });
  return { tuples, problems };
}

/** An objection marks its records while open, and after a confirmation until the correcting version is served. */
export function isDisputing(status: string, correctedInVersion: number | null, servedVersion: number): boolean {
  if (status === 'OPEN') return true;
  return status === 'CONFIRMED' && (correctedInVersion === null || servedVersion < correctedInVersion);
}

export interface DisputingObjection {
  keyFields: ObjectionKeyField[];
  recordKeys: (string | boolean)[][];
  status: string;
  correctedInVersion: number | null;
}

/** The disputed records of a served version, one group per set of key fields, duplicates merged. */
export function disputedGroups(objections: readonly DisputingObjection[], servedVersion: number): DisputedKeyGroup[] {
  const groups = new Map<string, { group: DisputedKeyGroup; seen: Set<string> }>();
  for (const objection of objections) {
    if (!isDisputing(objection.status, objection.correctedInVersion, servedVersion)) continue;
    const signature = JSON.stringify(objection.keyFields.map((field) => [field.name, field.type]));
    let entry = groups.get(signature);
    if (!entry) {
      entry = { group: { fields: objection.keyFields.map((field) => ({ name: field.name, type: field.type })), keys: [] }, seen: new Set() };
      groups.set(signature, entry);
    }
    for (const tuple of objection.recordKeys) {
      const identity = JSON.stringify(tuple);
      if (entry.seen.has(identity)) continue;
      entry.seen.add(identity);
      entry.group.keys.push(tuple);
    }
  }
  return [...groups.values()].map((entry) => entry.group);
}

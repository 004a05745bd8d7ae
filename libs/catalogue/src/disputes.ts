import { Injectable } from '@nestjs/common';
import { FieldType } from './enums.js';
import { COLUMN_TYPES } from './versions/version-tables.js';

/** Records flagged by open objections, all named by the same key fields. */
export interface DisputedKeyGroup {
  /** The key fields the records are named by, in the order of each tuple. */
  fields: { name: string; type: FieldType }[];
  /** Key value tuples, each value normalised for its field's type (text, or a boolean). */
  keys: (string | boolean)[][];
}

/** What is disputed in one version of a dataset: nothing (null) in the common case. */
export interface DisputedKeys {
  groups: DisputedKeyGroup[];
  /** Changes whenever the disputed set of the dataset changes (for download ETags). */
  fingerprint: string;
  /** When an objection of the dataset last changed state (for Last-Modified). */
  changedAt: Date;
}

export type DisputeSource = (datasetId: string, version: number) => Promise<DisputedKeys | null>;

/**
 * The port through which the readers of rows (the exchange, the portal's downloads) learn which
 * records are disputed, without knowing the objections context that answers it (libs/access
 * plugs its cached lookup in at start). Without a source nothing is disputed.
 */
@Injectable()
export class DisputeLookup {
  private source: DisputeSource | null = null;

  serveFrom(source: DisputeSource): void {
    this.source = source;
  }

  forVersion(datasetId: string, version: number): Promise<DisputedKeys | null> {
    return this.source ? this.source(datasetId, version) : Promise.resolve(null);
  }
}

/**
 * The SQL condition "this row is disputed" over `alias` (row-value IN lists, one per key group),
 * or null when no group applies to the columns at hand. `value` turns a key value into SQL: a
 * bind parameter where the statement has them, an escaped literal where it cannot (a cursor).
 * Groups whose key fields are not all columns of the same type are left out.
 */
export function disputedCondition(
  disputes: DisputedKeys,
  columns: ReadonlyMap<string, FieldType>,
  column: (field: string) => string,
  value: (value: string | boolean, cast: string) => string,
): string | null {
  const parts: string[] = [];
  for (const group of disputes.groups) {
    if (group.keys.length === 0 || !group.fields.every((field) => columns.get(field.name) === field.type)) continue;
    const casts = group.fields.map((field) => COLUMN_TYPES[field.type]);
    const tuples = group.keys.map((tuple) => `(${tuple.map((cell, index) => value(cell, casts[index]!)).join(', ')})`);
    parts.push(`(${group.fields.map((field) => column(field.name)).join(', ')}) in (${tuples.join(', ')})`);
  }
  return parts.length > 0 ? `(${parts.join(' or ')})` : null;
}

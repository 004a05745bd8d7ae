import type { AuditOutcome, ChainedAuditRecord } from './audit.types.js';
import type { SignedCheckpoint } from './checkpoint.js';

/**
 * Evidence files written by `audit:export` and read back by `audit:verify --input`. Values are
 * exactly as chained (nothing is neutralised or reformatted), so a third party can recompute
 * every hash offline.
 */
export interface ExportHeader {
  type: 'causeway-audit-export';
  v: 1;
  from: string;
  to: string;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The event before the first one exported: the export is verified as continuing from it. */
  anchor: { seq: number; hash: string } | null;
  publicKeys: { keyId: string; pem: string }[];
}

export type ExportLine = ExportHeader | ({ type: 'event' } & ChainedAuditRecord) | ({ type: 'checkpoint' } & SignedCheckpoint);

export const jsonlLine = (line: ExportLine): string => `${JSON.stringify(line)}\n`;

/** CSV columns, in order: the record's fields plus its place in the chain. */
export const CSV_COLUMNS: readonly (keyof ChainedAuditRecord)[] = [
  'seq', 'at', 'action', 'outcome', 'principal', 'principalId', 'principalKind', 'department', 'providerDepartment', 'clientIp',
  'requestId', 'endUserId', 'purpose', 'dataset', 'version', 'target', 'fieldsRequested', 'fieldsClear', 'fieldsMasked',
  'fieldsRefused', 'rowsReturned', 'rowScope', 'grantIds', 'grantVersions', 'reason', 'detail', 'durationMs', 'prevHash', 'hash',
];

const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

/** null is an empty unquoted cell; every text (even empty) is quoted; lists are quoted JSON. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return quote(JSON.stringify(value));
  return quote(String(value));
}

/**
 * The CSV export starts with a UTF-8 byte order mark: without it Excel on Chinese Windows reads
 * the file as GBK and garbles every Chinese name and purpose. (JSONL has none: JSON is UTF-8.)
 */
export const UTF8_BOM = '\uFEFF';

export const csvHeader = (): string => `${UTF8_BOM}${CSV_COLUMNS.join(',')}\n`;

export const csvLine = (record: ChainedAuditRecord): string => `${CSV_COLUMNS.map((column) => csvCell(record[column])).join(',')}\n`;

const NUMBER_COLUMNS = new Set<keyof ChainedAuditRecord>(['seq', 'version', 'rowsReturned', 'durationMs']);
const LIST_COLUMNS = new Set<keyof ChainedAuditRecord>(['fieldsRequested', 'fieldsClear', 'fieldsMasked', 'fieldsRefused', 'grantIds', 'grantVersions']);

/** One CSV record back to an event; `cells` carry whether each cell was quoted (to tell null from ""). */
export function recordFromCsv(cells: readonly { value: string; quoted: boolean }[]): ChainedAuditRecord {
  if (cells.length !== CSV_COLUMNS.length) throw new Error(`expected ${CSV_COLUMNS.length} columns, found ${cells.length}`);
  const record: Record<string, unknown> = {};
  CSV_COLUMNS.forEach((column, index) => {
    const cell = cells[index]!;
    if (!cell.quoted && cell.value === '') record[column] = null;
    else if (NUMBER_COLUMNS.has(column)) record[column] = Number(cell.value);
    else if (LIST_COLUMNS.has(column)) record[column] = JSON.parse(cell.value) as unknown;
    else record[column] = cell.value;
  });
  return record as unknown as ChainedAuditRecord;
}

/** One JSONL event line back to an event (only the chained fields are kept). */
export function recordFromJson(line: Record<string, unknown>): ChainedAuditRecord {
  const record: Record<string, unknown> = {};
  for (const column of CSV_COLUMNS) record[column] = line[column] ?? null;
  for (const column of LIST_COLUMNS) record[column] = Array.isArray(line[column]) ? line[column] : [];
  record.outcome = String(line.outcome) as AuditOutcome;
  return record as unknown as ChainedAuditRecord;
}

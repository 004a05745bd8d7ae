import type { AuditEvent } from './operations';

const COLUMNS: (keyof AuditEvent)[] = [
  'seq', 'at', 'action', 'outcome', 'principal', 'principalKind', 'departmentCode', 'providerDepartmentCode', 'dataset', 'version', 'purpose',
  'reason', 'requestId', 'clientIp', 'endUserId', 'target', 'rowsReturned', 'fieldsRequested', 'fieldsClear', 'fieldsMasked', 'fieldsRefused', 'rowScope', 'hash', 'prevHash',
];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? value.join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Quote what CSV needs quoted; a leading = + - @ would be read as a formula by a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV with a UTF-8 byte order mark, so Excel on Chinese Windows reads the Chinese as UTF-8. */
export function toCsv(events: AuditEvent[]): string {
  const lines = [COLUMNS.join(','), ...events.map((event) => COLUMNS.map((column) => cell(event[column])).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function toJsonLines(events: AuditEvent[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n') + (events.length ? '\n' : '');
}

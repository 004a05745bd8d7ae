/** The byte-order mark that makes Excel and WPS read a CSV file as UTF-8 rather than GBK. */
export const UTF8_BOM = '\uFEFF';

/** Cells a spreadsheet would run as a formula (or that start one after a tab or line feed). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a text cell against formula injection (OWASP "CSV injection"): a cell beginning
 * with = + - @, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as
 * text and do not evaluate. Only CSV output does this; the JSON download keeps the exact value.
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 quoting: a cell with the delimiter, a quote or a line break is quoted, quotes doubled. */
export function csvCell(value: string | null, delimiter = ','): string {
  if (value === null) return '';
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface CsvOptions {
  delimiter?: string;
  /** Per column: whether the column holds free text (and so may hold a formula). */
  textColumns: boolean[];
}

/**
 * One CSV record ending in CRLF (RFC 4180, and what Excel writes). Text columns are neutralised;
 * number, date and boolean columns are typed values that cannot hold a formula, and keep negative
 * numbers exact.
 */
export function csvRow(cells: readonly (string | null)[], options: CsvOptions): string {
  const delimiter = options.delimiter ?? ',';
  return `${cells
    .map((cell, index) => csvCell(cell !== null && options.textColumns[index] ? neutraliseFormula(cell) : cell, delimiter))
    .join(delimiter)}\r\n`;
}

/** The header record: field names as they are, neutralised like any text. */
export function csvHeader(names: readonly string[], delimiter = ','): string {
  return csvRow(names, { delimiter, textColumns: names.map(() => true) });
}

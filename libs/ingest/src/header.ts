/** A field as the header mapping sees it: matched by machine name or by its Chinese title. */
export interface HeaderField {
  name: string;
  title: string;
  nullable: boolean;
}

export type HeaderProblemKind = 'UNKNOWN_COLUMNS' | 'MISSING_COLUMNS' | 'DUPLICATE_COLUMNS' | 'EMPTY_HEADER';

export interface HeaderProblem {
  kind: HeaderProblemKind;
  columns: string[];
  message: string;
}

/** Header text compared loosely: NFKC (full-width brackets, spaces), trimmed, case-insensitive. */
export function headerKey(text: string): string {
  return text.replace(/^\uFEFF/, '').normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Index from header text (name or title) to the field's position. */
export function headerIndex(fields: readonly HeaderField[]): Map<string, number> {
  const index = new Map<string, number>();
  fields.forEach((field, position) => {
    index.set(headerKey(field.name), position);
    if (!index.has(headerKey(field.title))) index.set(headerKey(field.title), position);
  });
  return index;
}

export interface HeaderMapping {
  /** For each column of the file, the field position it fills. */
  columnToField: number[];
}

/**
 * Maps a file's header row to the dataset's fields. Every column must name a field and every
 * field must have a column: an unknown or a missing column is refused by name, because loading
 * a file whose layout changed would silently fill a field with another column's values.
 */
export function mapHeader(fields: readonly HeaderField[], columns: readonly string[]): HeaderMapping | HeaderProblem[] {
  const index = headerIndex(fields);
  const problems: HeaderProblem[] = [];
  if (columns.length === 0 || columns.every((column) => column.trim() === '')) {
    return [{ kind: 'EMPTY_HEADER', columns: [], message: `The first row must name the columns, e.g. ${fields.map((field) => field.title).join(', ')}` }];
  }
  const columnToField: number[] = [];
  const unknown: string[] = [];
  const seen = new Map<number, string>();
  const duplicates: string[] = [];
  columns.forEach((column) => {
    const position = index.get(headerKey(column));
    if (position === undefined) {
      unknown.push(column);
      columnToField.push(-1);
      return;
    }
    const earlier = seen.get(position);
    if (earlier !== undefined) duplicates.push(`${earlier} / ${column} (both ${fields[position]!.name})`);
    seen.set(position, column);
    columnToField.push(position);
  });
  if (unknown.length > 0) {
    problems.push({
      kind: 'UNKNOWN_COLUMNS',
      columns: unknown,
      message: `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}: each column must be named after a field (name or title): ${fields.map((f) => `${f.name} (${f.title})`).join(', ')}`,
    });
  }
  if (duplicates.length > 0) {
    problems.push({ kind: 'DUPLICATE_COLUMNS', columns: duplicates, message: `Columns name the same field twice: ${duplicates.join('; ')}` });
  }
  const missing = fields.filter((_field, position) => !seen.has(position));
  if (missing.length > 0) {
    problems.push({
      kind: 'MISSING_COLUMNS',
      columns: missing.map((field) => field.name),
      message: `Missing column${missing.length > 1 ? 's' : ''} for ${missing.map((f) => `${f.name} (${f.title})`).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} (an empty column is fine for a nullable field)`,
    });
  }
  return problems.length > 0 ? problems : { columnToField };
}

/**
 * The delimiter of a CSV file, from its header line: the one of `,` `;` tab `|` that occurs most
 * often outside quotes (ties go to the comma). A one-column file has none of them: comma.
 */
export function sniffDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

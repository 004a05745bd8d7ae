import { FieldType } from '@causeway/catalogue';
import { ID_COLUMN, type ReadableColumn, type RowFilter, type RowQuery, type RowSort, type RowWords } from '@causeway/exchange';
import { CkanError } from './ckan-errors.js';
import { boolParam, isPlainObject, jsonParam, listParam, naturalParam, stringParam, type CkanInput } from './ckan-params.js';

/** CKAN's ckan.datastore.search.rows_default and rows_max defaults. */
export const DATASTORE_DEFAULT_LIMIT = 100;
export const DATASTORE_MAX_LIMIT = 32_000;

/** The keys datastore_search accepts (ckanext/datastore/logic/schema.py datastore_search_schema). */
const KNOWN_KEYS = new Set([
  'resource_id', 'id', 'q', 'plain', 'filters', 'language', 'limit', 'offset', 'fields', 'sort', 'distinct', 'include_total',
  'total_estimation_threshold', 'records_format', 'full_text',
]);

export type RecordsFormat = 'objects' | 'lists' | 'csv' | 'tsv';

export interface DatastoreRequest {
  resourceId: string;
  selected: ReadableColumn[];
  query: RowQuery;
  includeTotal: boolean;
  recordsFormat: RecordsFormat;
  /** The parameters CKAN echoes back in the result, as the caller sent them. */
  echo: Record<string, unknown>;
}

/**
 * datastore_search's parameters checked against the readable columns, with CKAN's error dicts.
 * A column the caller may not read is reported exactly as a column that does not exist
 * (`invalid value "…"`), so that errors cannot tell a hidden field from a missing one.
 */
export function parseDatastoreRequest(input: CkanInput, readable: ReadableColumn[]): DatastoreRequest {
  const junk = Object.keys(input).filter((key) => !KNOWN_KEYS.has(key));
  // CKAN's navl names the collected unknown keys "__junk" in its message, whatever they are.
  if (junk.length > 0) throw CkanError.validation({ __junk: ['The input field __junk was not expected.'] });

  const resourceId = (stringParam(input, 'resource_id') ?? stringParam(input, 'id') ?? '').trim();
  if (resourceId === '') throw CkanError.validation({ resource_id: ['Missing value'] });

  const columns = new Map<string, ReadableColumn>([[ID_COLUMN.name, ID_COLUMN], ...readable.map((column): [string, ReadableColumn] => [column.name, column])]);
  const invalid = (key: string, value: string) => CkanError.validation({ [key]: [`invalid value "${value}"`] });

  const limit = Math.min(naturalParam(input, 'limit') ?? DATASTORE_DEFAULT_LIMIT, DATASTORE_MAX_LIMIT);
  const offset = naturalParam(input, 'offset') ?? 0;
  const includeTotal = boolParam(input, 'include_total', true);
  if (boolParam(input, 'distinct', false)) throw CkanError.validation({ distinct: ['distinct is not supported by this portal; leave it out'] });

  const recordsFormat = stringParam(input, 'records_format') ?? 'objects';
  if (!['objects', 'lists', 'csv', 'tsv'].includes(recordsFormat)) {
    throw CkanError.validation({ records_format: ["Value must be one of ['objects', 'lists', 'csv', 'tsv']"] });
  }

  const fieldNames = listParam(input, 'fields');
  const selected = fieldNames ? [...new Set(fieldNames)].map((name) => columns.get(name) ?? raise(invalid('fields', name))) : [...columns.values()];

  const filters = parseFilters(jsonParam(input, 'filters'), columns);

  const search: RowWords[] = [];
  const qText = queryOf(input.q);
  if (typeof qText === 'string') {
    if (qText.trim() !== '') search.push({ column: null, words: words(qText) });
  } else if (isPlainObject(qText)) {
    for (const [name, value] of Object.entries(qText)) {
      if (!columns.has(name) || name === ID_COLUMN.name) throw invalid('q', name);
      if (typeof value !== 'string') throw CkanError.validation({ q: ['Must be a string or a JSON object of strings'] });
      if (value.trim() !== '') search.push({ column: name, words: words(value) });
    }
  } else if (qText !== undefined) {
    throw CkanError.validation({ q: ['Must be a string or a JSON object of strings'] });
  }
  const fullText = stringParam(input, 'full_text');
  if (fullText && fullText.trim() !== '') search.push({ column: null, words: words(fullText) });

  const sortClauses = listParam(input, 'sort') ?? [];
  const sort: RowSort[] = sortClauses.map((clause) => {
    const match = /^(.+?)(?:\s+(asc|desc))?$/i.exec(clause.trim());
    let name = match?.[1] ?? clause;
    if (name.length > 1 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
    if (!match || !columns.has(name)) throw invalid('sort', clause);
    return { column: name, descending: (match[2] ?? 'asc').toLowerCase() === 'desc' };
  });

  const echo: Record<string, unknown> = {};
  for (const key of ['q', 'filters', 'sort', 'offset', 'full_text', 'plain', 'language']) if (input[key] !== undefined) echo[key] = input[key];

  return { resourceId, selected, query: { filters, search, sort, limit, offset }, includeTotal, recordsFormat: recordsFormat as RecordsFormat, echo };
}

function raise(error: CkanError): never {
  throw error;
}

/** CKAN's unicode_or_json_validator: text, or a JSON object of field → text (given as such or as JSON text). */
function queryOf(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function words(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, 16);
}

/** CKAN's filters: {field: value} for equality, {field: [values]} for any of them. */
function parseFilters(value: unknown, columns: Map<string, ReadableColumn>): RowFilter[] {
  if (value === undefined || value === null) return [];
  if (!isPlainObject(value)) throw CkanError.validation({ filters: ['Filters must be defined as a dict'] });
  return Object.entries(value).map(([name, wanted]) => {
    const column = columns.get(name);
    if (!column) throw CkanError.validation({ filters: [`invalid value "${name}"`] });
    const list = Array.isArray(wanted) ? wanted : [wanted];
    if (list.length > 1_000) throw CkanError.validation({ filters: [`at most 1000 values for "${name}"`] });
    return { column: name, values: list.map((item) => filterValue(column, item)) };
  });
}

const INTEGER = /^[+-]?\d{1,19}$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BOOLEAN = /^(true|false|t|f|yes|no|y|n|1|0|on|off)$/i;

/** A filter value as text PostgreSQL will cast to the column's type; refused here when it would not cast. */
export function filterValue(column: ReadableColumn, value: unknown): string {
  if (value === null || typeof value === 'object') {
    throw CkanError.validation({ filters: [`the value for "${column.name}" must be a string or a number`] });
  }
  const text = String(value).trim();
  const ok = (() => {
    switch (column.type) {
      case FieldType.STRING:
        return true;
      case FieldType.INTEGER:
        return INTEGER.test(text) && BigInt(text) <= 9_223_372_036_854_775_807n && BigInt(text) >= -9_223_372_036_854_775_808n;
      case FieldType.DECIMAL:
        return DECIMAL.test(text);
      case FieldType.BOOLEAN:
        return BOOLEAN.test(text);
      case FieldType.DATE:
        return DATE.test(text) && !Number.isNaN(Date.parse(text));
      case FieldType.DATETIME:
        return !Number.isNaN(Date.parse(text));
      case FieldType.JSON:
        return false;
    }
  })();
  if (!ok) {
    const expected: Record<FieldType, string> = {
      [FieldType.STRING]: 'text',
      [FieldType.INTEGER]: 'a whole number',
      [FieldType.DECIMAL]: 'a number',
      [FieldType.BOOLEAN]: 'true or false',
      [FieldType.DATE]: 'a date as YYYY-MM-DD',
      [FieldType.DATETIME]: 'a date and time in ISO 8601',
      [FieldType.JSON]: 'nothing: JSON fields cannot be filtered',
    };
    throw CkanError.validation({ filters: [`invalid value for "${column.name}": expected ${expected[column.type]}`] });
  }
  // A STRING column compares as text: CKAN turns the value into a string for text fields.
  return column.type === FieldType.STRING ? String(value) : text;
}

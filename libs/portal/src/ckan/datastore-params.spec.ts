import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import type { ReadableColumn } from '@causeway/exchange';
import { CkanError } from './ckan-errors.js';
import { filterValue, parseDatastoreRequest } from './datastore-params.js';

const readable: ReadableColumn[] = [
  { name: 'name', type: FieldType.STRING },
  { name: 'beds', type: FieldType.INTEGER },
  { name: 'opened', type: FieldType.DATE },
  { name: 'extra', type: FieldType.JSON },
];

function errorsOf(input: Record<string, unknown>): Record<string, string[]> {
  try {
    parseDatastoreRequest({ resource_id: 'r', ...input }, readable);
  } catch (error) {
    if (error instanceof CkanError) return error.errors;
    throw error;
  }
  throw new Error('expected a Validation Error');
}

describe('datastore_search parameters', () => {
  it('defaults like CKAN: every column with _id first, limit 100, offset 0, the total', () => {
    const request = parseDatastoreRequest({ resource_id: 'r' }, readable);
    expect(request.selected.map((column) => column.name)).toEqual(['_id', 'name', 'beds', 'opened', 'extra']);
    expect(request.query).toEqual({ filters: [], search: [], sort: [], limit: 100, offset: 0 });
    expect(request).toMatchObject({ includeTotal: true, recordsFormat: 'objects' });
  });

  it('caps limit at 32000 instead of refusing it', () => {
    expect(parseDatastoreRequest({ resource_id: 'r', limit: '99999' }, readable).query.limit).toBe(32000);
  });

  it('reads filters as equality or any-of, with values typed by column', () => {
    const request = parseDatastoreRequest({ resource_id: 'r', filters: '{"name":"a","beds":[1,"2"]}' }, readable);
    expect(request.query.filters).toEqual([{ column: 'name', values: ['a'] }, { column: 'beds', values: ['1', '2'] }]);
    expect(filterValue(readable[2]!, '2024-01-31')).toBe('2024-01-31');
    expect(() => filterValue(readable[1]!, '1.5')).toThrow(CkanError);
    expect(() => filterValue(readable[2]!, '31/01/2024')).toThrow(CkanError);
    expect(() => filterValue(readable[3]!, '{}')).toThrow(CkanError);
  });

  it('reads q as words over all columns, or as an object of column → words', () => {
    expect(parseDatastoreRequest({ resource_id: 'r', q: '医院 天河' }, readable).query.search).toEqual([{ column: null, words: ['医院', '天河'] }]);
    expect(parseDatastoreRequest({ resource_id: 'r', q: '{"name":"医院"}' }, readable).query.search).toEqual([{ column: 'name', words: ['医院'] }]);
  });

  it('reads sort clauses with directions and quoted names', () => {
    expect(parseDatastoreRequest({ resource_id: 'r', sort: 'beds desc, "name"' }, readable).query.sort).toEqual([
      { column: 'beds', descending: true },
      { column: 'name', descending: false },
    ]);
  });

  it('answers a column it cannot read as CKAN answers a column that does not exist', () => {
    expect(errorsOf({ fields: 'name,idCard' })).toEqual({ fields: ['invalid value "idCard"'] });
    expect(errorsOf({ filters: { idCard: 'x' } })).toEqual({ filters: ['invalid value "idCard"'] });
    expect(errorsOf({ sort: 'idCard desc' })).toEqual({ sort: ['invalid value "idCard desc"'] });
    expect(errorsOf({ q: { idCard: 'x' } })).toEqual({ q: ['invalid value "idCard"'] });
  });

  it('refuses unknown keys, a missing resource and a bad records format with CKAN’s messages', () => {
    expect(errorsOf({ nonsense: 1 })).toEqual({ __junk: ['The input field __junk was not expected.'] });
    expect(() => parseDatastoreRequest({}, readable)).toThrow(expect.objectContaining({ errors: { resource_id: ['Missing value'] } }));
    expect(errorsOf({ records_format: 'xml' })).toEqual({ records_format: ["Value must be one of ['objects', 'lists', 'csv', 'tsv']"] });
    expect(errorsOf({ offset: '-1' })).toEqual({ offset: ['Must be a natural number'] });
  });
});

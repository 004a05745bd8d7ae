import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { countSql, disputedSql, exportSql, likeContains, pageSql, pageTextSql, qualifiedTable, type ReadableColumn, type RowQuery } from './row-sql.js';

const TABLE = 'causeway_data.d_0f0f_v2';
const readable: ReadableColumn[] = [
  { name: 'creditCode', type: FieldType.STRING },
  { name: 'beds', type: FieldType.INTEGER },
  { name: 'opened', type: FieldType.DATE },
];
const query = (overrides: Partial<RowQuery> = {}): RowQuery => ({ filters: [], search: [], sort: [], limit: 100, offset: 0, ...overrides });

describe('row SQL for anonymous reads', () => {
  it('quotes the version table and refuses any other name rather than quoting it', () => {
    expect(qualifiedTable(TABLE)).toBe('"causeway_data"."d_0f0f_v2"');
    for (const bad of ['d_0f0f_v2', 'causeway_data.d; drop table x', 'a.b.c', 'Causeway.X']) expect(() => qualifiedTable(bad)).toThrow();
  });

  it('selects only the asked readable columns, with _id from _row, in file order', () => {
    const sql = pageSql(TABLE, readable, [{ name: '_id', type: FieldType.INTEGER }, readable[0]!], query(), 'objects');
    expect(sql.text).toBe(
      'select row_to_json(_r)::text as j from "causeway_data"."d_0f0f_v2" as x cross join lateral (select x."_row" as "_id", x."creditCode" as "creditCode") as _r order by x."_row" asc limit $1 offset $2',
    );
    expect(sql.values).toEqual([100, 0]);
  });

  it('passes every filter and search value as a parameter, cast to the column type', () => {
    const sql = pageSql(TABLE, readable, readable, query({
      filters: [{ column: 'beds', values: ['10'] }, { column: 'creditCode', values: ['a', "b'; drop"] }],
      search: [{ column: null, words: ['医院', '100%'] }],
      sort: [{ column: 'beds', descending: true }],
    }), 'objects');
    expect(sql.text).toContain('x."beds" = $1::bigint');
    expect(sql.text).toContain('x."creditCode" = any($2::text[])');
    expect(sql.text).toContain(`concat_ws(' ', x."creditCode", x."beds"::text, (to_json(x."opened") #>> '{}')) ilike $3`);
    expect(sql.text).toContain('order by x."beds" desc, x."_row" asc');
    expect(sql.values).toEqual(['10', ['a', "b'; drop"], '%医院%', '%100\\%%', 100, 0]);
    expect(sql.text).not.toContain('drop');
  });

  it('refuses any column outside the readable ones, wherever it is used', () => {
    const hidden: ReadableColumn = { name: 'idCard', type: FieldType.STRING };
    expect(() => pageSql(TABLE, readable, [hidden], query(), 'objects')).toThrow(/not readable/);
    expect(() => pageSql(TABLE, readable, readable, query({ filters: [{ column: 'idCard', values: ['x'] }] }), 'objects')).toThrow(/not readable/);
    expect(() => pageSql(TABLE, readable, readable, query({ sort: [{ column: 'idCard', descending: false }] }), 'objects')).toThrow(/not readable/);
    expect(() => pageSql(TABLE, readable, readable, query({ search: [{ column: 'idCard', words: ['x'] }] }), 'objects')).toThrow(/not readable/);
  });

  it('builds lists, text cells, counts and whole-version exports over the same whitelist', () => {
    expect(pageSql(TABLE, readable, readable, query(), 'lists').text).toContain('json_each(row_to_json(_r))');
    expect(pageTextSql(TABLE, readable, readable, query()).text).toContain(`x."creditCode" as c0, x."beds"::text as c1, (to_json(x."opened") #>> '{}') as c2`);
    expect(countSql(TABLE, readable, { filters: [{ column: 'beds', values: ['1', '2'] }], search: [] })).toEqual({
      text: 'select count(*)::text as total from "causeway_data"."d_0f0f_v2" as x where x."beds" = any($1::bigint[])',
      values: [['1', '2']],
    });
    expect(exportSql(TABLE, readable, 'json')).toBe(
      'select row_to_json(_r)::text, \'false\' as _d from "causeway_data"."d_0f0f_v2" as x cross join lateral (select x."creditCode" as "creditCode", x."beds" as "beds", x."opened" as "opened") as _r order by x."_row"',
    );
  });

  it('a disputed key cannot break out of its literal in an export', () => {
    const disputes = {
      groups: [{ fields: [{ name: 'creditCode', type: FieldType.STRING }], keys: [["x'); drop table dataset; --"], ['91440101MA5ABCDE1X']] }],
      fingerprint: 'f',
      changedAt: new Date(0),
    };
    const condition = disputedSql(disputes, new Map([['creditCode', FieldType.STRING]]));
    expect(condition).toBe(`((x."creditCode") in (('x''); drop table dataset; --'::text), ('91440101MA5ABCDE1X'::text)))`);
    expect(exportSql(TABLE, readable, 'csv', condition)).toContain(`case when ${condition} then 'true' else 'false' end as _d from`);
    // A key group whose field is not a column of this version (or has another type) flags nothing.
    expect(disputedSql(disputes, new Map([['creditCode', FieldType.INTEGER]]))).toBeNull();
  });

  it('escapes LIKE wildcards in search words', () => {
    expect(likeContains('a_b%c\\')).toBe('%a\\_b\\%c\\\\%');
  });
});

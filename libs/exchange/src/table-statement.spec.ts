import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { CausewayError, ErrorCode } from '@causeway/core';
import { parseWhere } from '@causeway/policy';
import { countStatement, exportStatement, likeContains, namedFields, pageStatement, type ReadableColumn, type RowQuery, type TableStatementInput } from './table-statement.js';

const TABLE = 'causeway_data.d_0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f_v2';
const QUOTED = '"causeway_data"."d_0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f_v2"';
const readable: ReadableColumn[] = [
  { name: 'creditCode', type: FieldType.STRING },
  { name: 'beds', type: FieldType.INTEGER },
  { name: 'opened', type: FieldType.DATE },
];
const NAMES = readable.map((column) => column.name);
const storedTypes = new Map([...readable.map((column): [string, FieldType] => [column.name, column.type]), ['idCard', FieldType.STRING]]);
const input = (overrides: Partial<TableStatementInput> = {}): TableStatementInput => ({
  tableName: TABLE,
  columns: readable,
  storedTypes,
  allowed: { select: new Set(NAMES), clear: new Set(NAMES) },
  rowScope: { kind: 'true' },
  ...overrides,
});
const query = (overrides: Partial<RowQuery> = {}): RowQuery => ({ filters: [], search: [], sort: [], limit: 100, offset: 0, ...overrides });

function refusal(build: () => unknown): CausewayError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(CausewayError);
    return error as CausewayError;
  }
  throw new Error('expected the builder to refuse');
}

describe('statements of the open reads', () => {
  it('refuses a table name that is not a version table’s rather than quoting it', () => {
    for (const bad of ['d_0f0f_v2', 'causeway_data.d; drop table x', 'a.b.c', 'public.app_user']) expect(() => countStatement(input({ tableName: bad }), query())).toThrow();
  });

  it('selects only the asked readable columns, with _id from _row, in file order', () => {
    const statement = pageStatement(input(), ['_id', 'creditCode'], query(), 'objects');
    expect(statement.sql).toBe(
      `select row_to_json(_r)::text as j from ${QUOTED} t cross join lateral (select t._row as "_id", t."creditCode" as "creditCode") as _r order by t._row asc limit $1::bigint offset $2::bigint`,
    );
    expect(statement.values).toEqual([100, 0]);
    expect(statement.columns).toEqual(['j']);
  });

  it('passes every filter and search value as a parameter, cast to the column type', () => {
    const statement = pageStatement(
      input(),
      NAMES,
      query({
        filters: [{ column: 'beds', values: ['10'] }, { column: 'creditCode', values: ['a', "b'; drop"] }],
        search: [{ column: null, words: ['医院', '100%'] }],
        sort: [{ column: 'beds', descending: true }],
      }),
      'objects',
    );
    expect(statement.sql).toContain('t."beds" = $1::bigint');
    expect(statement.sql).toContain('t."creditCode" = any($2::text[])');
    expect(statement.sql).toContain(`concat_ws(' ', t."creditCode", t."beds"::text, (to_json(t."opened") #>> '{}')) ilike $3::text`);
    expect(statement.sql).toContain('order by t."beds" desc, t._row asc');
    expect(statement.values).toEqual(['10', ['a', "b'; drop"], '%医院%', '%100\\%%', 100, 0]);
    expect(statement.sql).not.toContain('drop');
  });

  it('refuses any column outside the readable ones, wherever it is used', () => {
    expect(() => pageStatement(input(), ['idCard'], query(), 'objects')).toThrow(/not a readable column/);
    expect(() => pageStatement(input(), NAMES, query({ filters: [{ column: 'idCard', values: ['x'] }] }), 'objects')).toThrow(/not a readable column/);
    expect(() => pageStatement(input(), NAMES, query({ sort: [{ column: 'idCard', descending: false }] }), 'objects')).toThrow(/not a readable column/);
    expect(() => pageStatement(input(), NAMES, query({ search: [{ column: 'idCard', words: ['x'] }] }), 'objects')).toThrow(/not a readable column/);
  });

  it('builds lists, text cells, counts and whole-version exports over the same columns', () => {
    expect(pageStatement(input(), NAMES, query(), 'lists').sql).toContain('json_each(row_to_json(_r))');
    const text = pageStatement(input(), NAMES, query(), 'text');
    expect(text.sql).toContain(`select t."creditCode" as c0, t."beds"::text as c1, (to_json(t."opened") #>> '{}') as c2 from`);
    expect(text.columns).toEqual(['c0', 'c1', 'c2']);
    expect(countStatement(input(), { filters: [{ column: 'beds', values: ['1', '2'] }], search: [] })).toEqual({
      sql: `select count(*)::text as total from ${QUOTED} t where t."beds" = any($1::bigint[])`,
      values: [['1', '2']],
      columns: ['total'],
    });
    expect(exportStatement(input(), 'json')).toBe(
      `select row_to_json(_r)::text, 'false' as _d from ${QUOTED} t cross join lateral (select t."creditCode" as "creditCode", t."beds" as "beds", t."opened" as "opened") as _r order by t._row`,
    );
  });

  it('flags disputed rows of an object page with bound keys, and of an export with literals that cannot break out', () => {
    const disputes = {
      groups: [{ fields: [{ name: 'idCard', type: FieldType.STRING }], keys: [["x'); drop table dataset; --"], ['91440101MA5ABCDE1X']] }],
      fingerprint: 'f',
      changedAt: new Date(0),
    };
    // The key column need not be readable: only the flag leaves.
    const page = pageStatement(input(), ['beds'], query(), 'objects', disputes);
    expect(page.columns).toEqual(['j', '_d']);
    expect(page.sql).toContain('((t."idCard") in (($3::text), ($4::text))) as _d');
    expect(page.sql).not.toContain('drop table');
    expect(pageStatement(input(), ['beds'], query(), 'lists', disputes).columns).toEqual(['j']);
    const exported = exportStatement(input(), 'csv', disputes);
    expect(exported).toContain(`case when ((t."idCard") in (('x''); drop table dataset; --'::text), ('91440101MA5ABCDE1X'::text))) then 'true' else 'false' end as _d from`);
    // A key group whose field is not a column of this version (or has another type) flags nothing.
    expect(exportStatement(input({ storedTypes: new Map([['idCard', FieldType.INTEGER]]) }), 'csv', disputes)).toContain(`'false' as _d`);
  });

  it('escapes LIKE wildcards in search words', () => {
    expect(likeContains('a_b%c\\')).toBe('%a\\_b\\%c\\\\%');
  });

  it('names, as a plan request, the fields returned and those filtered, searched or sorted (never _id)', () => {
    expect(namedFields(readable, ['_id', 'beds'], { filters: [{ column: '_id', values: ['1'] }], search: [{ column: null, words: ['x'] }], sort: [{ column: 'beds', descending: true }] })).toEqual({
      select: ['beds'],
      clear: NAMES,
    });
  });
});

describe('the open-read builders refuse what the plan does not allow', () => {
  const SECRET = 'Zhang San 13800138000';
  // The plan returns creditCode and beds; only beds may be filtered, searched or sorted on.
  const narrow = input({ allowed: { select: new Set(['creditCode', 'beds']), clear: new Set(['beds']) } });
  const expectRefused = (error: CausewayError, fields: string[]) => {
    expect(error.code).toBe(ErrorCode.FORBIDDEN_FIELDS);
    expect(error.extensions.fields).toEqual(fields);
    expect(error.message).not.toContain(SECRET);
  };

  it('a selected, filtered, searched or sorted column the plan does not allow', () => {
    expectRefused(refusal(() => pageStatement(narrow, ['opened'], query(), 'objects')), ['opened']);
    expectRefused(refusal(() => pageStatement(narrow, ['beds'], query({ filters: [{ column: 'creditCode', values: [SECRET] }] }), 'objects')), ['creditCode']);
    expectRefused(refusal(() => countStatement(narrow, { filters: [], search: [{ column: 'creditCode', words: [SECRET] }] })), ['creditCode']);
    // Words in no particular column are searched for in every readable column: all must be clear.
    expectRefused(refusal(() => countStatement(narrow, { filters: [], search: [{ column: null, words: [SECRET] }] })), ['creditCode', 'opened']);
    expectRefused(refusal(() => pageStatement(narrow, ['beds'], query({ sort: [{ column: 'creditCode', descending: false }] }), 'text')), ['creditCode']);
    expectRefused(refusal(() => exportStatement(narrow, 'csv')), ['opened']);
    expect(pageStatement(narrow, ['creditCode', 'beds'], query({ filters: [{ column: 'beds', values: ['3'] }], sort: [{ column: 'beds', descending: true }] }), 'objects').columns).toEqual(['j']);
  });

  it('row positions (_id) only when every row is admitted, and a whole-version export only then', () => {
    const scoped = input({ rowScope: parseWhere({ beds: { gt: 3 } }, storedTypes, { path: 'rowScope' }).cond });
    expectRefused(refusal(() => pageStatement(scoped, ['_id', 'beds'], query(), 'objects')), ['_id']);
    expectRefused(refusal(() => pageStatement(scoped, ['beds'], query({ sort: [{ column: '_id', descending: true }] }), 'objects')), ['_id']);
    expect(pageStatement(scoped, ['beds'], query(), 'objects').sql).toContain('where t."beds" > $1::bigint');
    expect(() => exportStatement(scoped, 'json')).toThrow(/admits every row/);
  });

  it('the provider’s own reads pass only by the explicit bypass', () => {
    const bypass = input({ allowed: { bypassPolicy: 'provider-own-read' }, columns: [...readable, { name: 'idCard', type: FieldType.STRING }] });
    expect(pageStatement(bypass, ['idCard'], query({ filters: [{ column: 'idCard', values: ['x'] }] }), 'text').sql).toContain('t."idCard" = $1::text');
  });
});

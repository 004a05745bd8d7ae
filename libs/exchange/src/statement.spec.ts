import { describe, expect, it } from '@jest/globals';
import { FieldType, MaskType } from '@causeway/catalogue';
import { parseWhere, type FieldTypes } from '@causeway/policy';
import { aggregateStatement, quoteTable, recordsStatement } from './statement.js';

const TABLE = 'causeway_data.d_0123456789abcdef0123456789abcdef_v3';
const types: FieldTypes = new Map([
  ['name', FieldType.STRING],
  ['age', FieldType.INTEGER],
  ['district', FieldType.STRING],
]);
const plan = (name: string, level: 'CLEAR' | 'MASKED' | 'MIXED' = 'CLEAR') => ({ name, type: types.get(name)!, level, clearWhen: null, mask: MaskType.NAME });

describe('statements', () => {
  it('a dataset without disputes adds nothing to the statement; disputed keys are bound as parameters, never spliced', () => {
    const base = { tableName: TABLE, types, fields: [plan('age')], rowScope: { kind: 'true' as const }, where: { kind: 'true' as const }, orderBy: [], after: null, first: 10, withTotal: false };
    const plain = recordsStatement(base);
    expect(plain.columns).not.toContain('_d');
    expect(recordsStatement({ ...base, disputes: { groups: [], fingerprint: 'x', changedAt: new Date(0) } })).toEqual(plain);
    const hostile = "x'); drop table dataset; --";
    const flagged = recordsStatement({
      ...base,
      disputes: { groups: [{ fields: [{ name: 'name', type: FieldType.STRING }, { name: 'age', type: FieldType.INTEGER }], keys: [[hostile, '36']] }], fingerprint: 'y', changedAt: new Date(0) },
    });
    expect(flagged.columns.at(-1)).toBe('_d');
    expect(flagged.sql).toContain('((t."name", t."age") in (($1::text, $2::bigint))) as _d');
    expect(flagged.sql).not.toContain('drop table');
    expect(flagged.values.slice(0, 2)).toEqual([hostile, '36']);
  });

  it('refuses a table that is not a version table', () => {
    expect(() => quoteTable('public.app_user')).toThrow();
    expect(() => quoteTable('causeway_data.d_x"; drop table y; --_v1')).toThrow();
    expect(quoteTable(TABLE)).toBe('"causeway_data"."d_0123456789abcdef0123456789abcdef_v3"');
  });

  it('builds one statement: row scope, filter, keyset, order with a row tiebreaker, limit + 1', () => {
    const scope = parseWhere({ district: { eq: '440106' } }, types, { path: 'rowScope' }).cond;
    const where = parseWhere({ age: { gt: 18 } }, types, { path: 'where' }).cond;
    const statement = recordsStatement({
      tableName: TABLE,
      types,
      fields: [plan('name', 'MASKED'), plan('age')],
      rowScope: scope,
      where,
      orderBy: [{ field: 'age', direction: 'DESC' }],
      after: { values: ['40'], row: '17' },
      first: 10,
      withTotal: false,
    });
    expect(statement.sql).toBe(
      'select t._row as _r, t."name" as c0, t."age" as c1, t."age" as o0 from "causeway_data"."d_0123456789abcdef0123456789abcdef_v3" t ' +
        'where t."district" = $1::text and t."age" > $2::bigint and (t."age" < $3::bigint or (t."age" = $3::bigint and t._row > $4::bigint)) ' +
        'order by t."age" desc nulls first, t._row asc limit $5::int',
    );
    expect(statement.values).toEqual(['440106', '18', '40', '17', 11]);
  });

  it('counts without the keyset when the total is asked for, in the same statement', () => {
    const statement = recordsStatement({ tableName: TABLE, types, fields: [plan('age')], rowScope: { kind: 'true' }, where: { kind: 'true' }, orderBy: [], after: { values: [], row: '5' }, first: 1, withTotal: true });
    expect(statement.sql).toMatch(/^select n\._total, p\.\* from \(select count\(\*\) as _total from .* t\) n left join lateral \(select .* where t\._row > \$1::bigint .*\) p on true order by p\._r asc$/);
  });

  it('compiles a scope it cannot (fields gone from this version) to no rows', () => {
    const scope = parseWhere({ gone: { eq: 'x' } }, new Map([['gone', FieldType.STRING]]), { path: 'rowScope' }).cond;
    const statement = aggregateStatement({ tableName: TABLE, types, rowScope: scope, where: { kind: 'true' }, groupBy: ['district'], metrics: [{ fn: 'SUM', field: 'age' }, { fn: 'COUNT', field: null }], maxGroups: 100 });
    expect(statement.sql).toBe(
      'select t."district" as g0, count(*) as _n, sum(t."age") as m0, count(*) as m1 from "causeway_data"."d_0123456789abcdef0123456789abcdef_v3" t where false group by 1 order by 1 asc nulls last limit $1::int',
    );
  });
});

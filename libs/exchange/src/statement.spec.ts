import { describe, expect, it } from '@jest/globals';
import { FieldType, MaskType } from '@causeway/catalogue';
import { CausewayError, ErrorCode } from '@causeway/core';
import { parseWhere, type FieldTypes } from '@causeway/policy';
import { aggregateStatement, recordsStatement, type AggregateStatementInput, type PlannedColumns, type RecordsStatementInput } from './statement.js';

const TABLE = 'causeway_data.d_0123456789abcdef0123456789abcdef_v3';
const types: FieldTypes = new Map([
  ['name', FieldType.STRING],
  ['age', FieldType.INTEGER],
  ['district', FieldType.STRING],
  ['idCard', FieldType.STRING],
]);
const plan = (name: string, level: 'CLEAR' | 'MASKED' | 'MIXED' = 'CLEAR') => ({ name, type: types.get(name)!, level, clearWhen: null, mask: MaskType.NAME });
const allowed = (select: string[], clear: string[]): PlannedColumns => ({ select: new Set(select), clear: new Set(clear) });
const EVERYTHING = allowed(['name', 'age', 'district', 'idCard'], ['name', 'age', 'district', 'idCard']);

function refusal(build: () => unknown): CausewayError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(CausewayError);
    return error as CausewayError;
  }
  throw new Error('expected the builder to refuse');
}

describe('statements', () => {
  it('a dataset without disputes adds nothing to the statement; disputed keys are bound as parameters, never spliced', () => {
    const base = { tableName: TABLE, allowed: allowed(['age'], []), types, fields: [plan('age')], rowScope: { kind: 'true' as const }, where: { kind: 'true' as const }, orderBy: [], after: null, first: 10, withTotal: false };
    const plain = recordsStatement(base);
    expect(plain.columns).not.toContain('_d');
    expect(recordsStatement({ ...base, disputes: { groups: [], fingerprint: 'x', changedAt: new Date(0) } })).toEqual(plain);
    const hostile = "x'); drop table dataset; --";
    // The disputed keys are the provider's condition: they may name columns the caller may not read.
    const flagged = recordsStatement({
      ...base,
      disputes: { groups: [{ fields: [{ name: 'name', type: FieldType.STRING }, { name: 'age', type: FieldType.INTEGER }], keys: [[hostile, '36']] }], fingerprint: 'y', changedAt: new Date(0) },
    });
    expect(flagged.columns.at(-1)).toBe('_d');
    expect(flagged.sql).toContain('((t."name", t."age") in (($1::text, $2::bigint))) as _d');
    expect(flagged.sql).not.toContain('drop table');
    expect(flagged.values.slice(0, 2)).toEqual([hostile, '36']);
  });

  it('builds one statement: row scope, filter, keyset, order with a row tiebreaker, limit + 1', () => {
    // The row scope is the grant's: district need not be readable by the caller.
    const scope = parseWhere({ district: { eq: '440106' } }, types, { path: 'rowScope' }).cond;
    const where = parseWhere({ age: { gt: 18 } }, types, { path: 'where' }).cond;
    const statement = recordsStatement({
      tableName: TABLE,
      allowed: allowed(['name', 'age'], ['age']),
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
    const statement = recordsStatement({ tableName: TABLE, allowed: EVERYTHING, types, fields: [plan('age')], rowScope: { kind: 'true' }, where: { kind: 'true' }, orderBy: [], after: { values: [], row: '5' }, first: 1, withTotal: true });
    expect(statement.sql).toMatch(/^select n\._total, p\.\* from \(select count\(\*\) as _total from .* t\) n left join lateral \(select .* where t\._row > \$1::bigint .*\) p on true order by p\._r asc$/);
  });

  it('compiles a scope it cannot (fields gone from this version) to no rows', () => {
    const scope = parseWhere({ gone: { eq: 'x' } }, new Map([['gone', FieldType.STRING]]), { path: 'rowScope' }).cond;
    const statement = aggregateStatement({ tableName: TABLE, allowed: EVERYTHING, types, rowScope: scope, where: { kind: 'true' }, groupBy: ['district'], metrics: [{ fn: 'SUM', field: 'age' }, { fn: 'COUNT', field: null }], maxGroups: 100 });
    expect(statement.sql).toBe(
      'select t."district" as g0, count(*) as _n, sum(t."age") as m0, count(*) as m1 from "causeway_data"."d_0123456789abcdef0123456789abcdef_v3" t where false group by 1 order by 1 asc nulls last limit $1::int',
    );
  });
});

describe('the builders refuse what the plan does not allow', () => {
  const SECRET = '44010619900101123X';
  const records = (overrides: Partial<RecordsStatementInput>): RecordsStatementInput => ({
    tableName: TABLE,
    // Returned: name (masked) and age; in clear: age only.
    allowed: allowed(['name', 'age'], ['age']),
    types,
    fields: [plan('name', 'MASKED'), plan('age')],
    rowScope: { kind: 'true' },
    where: { kind: 'true' },
    orderBy: [],
    after: null,
    first: 10,
    withTotal: false,
    ...overrides,
  });
  const aggregate = (overrides: Partial<AggregateStatementInput>): AggregateStatementInput => ({
    tableName: TABLE,
    allowed: allowed([], ['district', 'age']),
    types,
    rowScope: { kind: 'true' },
    where: { kind: 'true' },
    groupBy: [],
    metrics: [],
    maxGroups: 10,
    ...overrides,
  });
  const expectRefused = (error: CausewayError, fields: string[], role: string) => {
    expect(error.code).toBe(ErrorCode.FORBIDDEN_FIELDS);
    expect(error.extensions.fields).toEqual(fields);
    expect(error.message).toContain(`(${role})`);
    // Field names and where they were used; never a value.
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.extensions)).not.toContain(SECRET);
  };

  it('a returned field outside the plan', () => {
    expectRefused(refusal(() => recordsStatement(records({ fields: [plan('age'), plan('idCard')] }))), ['idCard'], 'fields');
  });

  it('a filter on a field not clear in the plan, wherever the condition nests it', () => {
    const where = parseWhere({ _or: [{ age: { gt: 1 } }, { _not: { _and: [{ idCard: { eq: SECRET } }] } }] }, types, { path: 'where' }).cond;
    expectRefused(refusal(() => recordsStatement(records({ where }))), ['idCard'], 'where');
    // A returned (masked) field is not thereby clear: filtering on it is refused too.
    const onMasked = parseWhere({ name: { like: `${SECRET}%` } }, types, { path: 'where' }).cond;
    expectRefused(refusal(() => recordsStatement(records({ where: onMasked }))), ['name'], 'where');
  });

  it('a sort, and so the keyset cursor built on it, on a field not clear in the plan', () => {
    expectRefused(refusal(() => recordsStatement(records({ orderBy: [{ field: 'name', direction: 'ASC' }] }))), ['name'], 'orderBy');
    expectRefused(refusal(() => recordsStatement(records({ orderBy: [{ field: 'name', direction: 'ASC' }], after: { values: [SECRET], row: '3' } }))), ['name'], 'orderBy');
    // A position with more values than order keys would compare columns the order does not name.
    expect(() => recordsStatement(records({ orderBy: [{ field: 'age', direction: 'ASC' }], after: { values: ['1', SECRET], row: '3' } }))).toThrow(/one value per order key/);
  });

  it('a group, a metric or an aggregate filter on a field not clear in the plan', () => {
    expectRefused(refusal(() => aggregateStatement(aggregate({ groupBy: ['district', 'idCard'] }))), ['idCard'], 'groupBy');
    expectRefused(refusal(() => aggregateStatement(aggregate({ metrics: [{ fn: 'COUNT', field: null }, { fn: 'MAX', field: 'name' }] }))), ['name'], 'metrics');
    const where = parseWhere({ idCard: { in: [SECRET] } }, types, { path: 'where' }).cond;
    expectRefused(refusal(() => aggregateStatement(aggregate({ where }))), ['idCard'], 'where');
    expect(aggregateStatement(aggregate({ groupBy: ['district'], metrics: [{ fn: 'AVG', field: 'age' }] })).columns).toEqual(['g0', '_n', 'm0']);
  });

  it('names every refused field once, with the first use', () => {
    const where = parseWhere({ idCard: { eq: SECRET }, district: { eq: SECRET } }, types, { path: 'where' }).cond;
    const error = refusal(() => recordsStatement(records({ where, orderBy: [{ field: 'idCard', direction: 'DESC' }] })));
    expect(error.extensions.fields).toEqual(['idCard', 'district']);
    expect(error.message).toBe('The statement names fields its policy plan does not allow: "idCard" (where), "district" (where)');
  });

  it('the grant’s row scope and where a MIXED field is clear are the provider’s conditions, not refused', () => {
    const scope = parseWhere({ idCard: { isNull: false } }, types, { path: 'rowScope' }).cond;
    const mixed = { ...plan('name', 'MIXED'), clearWhen: parseWhere({ district: { eq: '440106' } }, types, { path: 'rowScope' }).cond };
    const statement = recordsStatement(records({ rowScope: scope, fields: [mixed] }));
    expect(statement.sql).toContain('t."idCard" is not null');
    expect(statement.sql).toContain('t."district" = $1::text as f0');
  });

  it('the provider’s own reads pass only by the explicit bypass', () => {
    const where = parseWhere({ idCard: { eq: SECRET } }, types, { path: 'where' }).cond;
    const statement = recordsStatement(records({ allowed: { bypassPolicy: 'provider-own-read' }, where, fields: [plan('idCard')] }));
    expect(statement.sql).toContain('t."idCard" = $1::text');
  });
});

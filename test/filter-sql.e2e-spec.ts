import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { compileCondition, evaluate, parseWhere, SqlParams, type FieldTypes } from '@causeway/policy';
import pg from 'pg';
import { random } from '../apps/gateway/src/seed/synthetic.js';

/**
 * The filter compiler against PostgreSQL itself: for many random filters (every comparison,
 * nested _and/_or/_not, null cells), the rows the compiled SQL selects are exactly the rows the
 * reference evaluator admits.
 */

const SEED = Number(process.env.FILTER_SEED ?? 7);
const FIELDS: FieldTypes = new Map([
  ['s', FieldType.STRING],
  ['n', FieldType.INTEGER],
  ['d', FieldType.DECIMAL],
  ['b', FieldType.BOOLEAN],
  ['day', FieldType.DATE],
  ['at', FieldType.DATETIME],
]);

const pick = random(SEED);
const one = <T>(items: readonly T[]): T => items[Math.floor(pick() * items.length)]!;
const maybeNull = <T>(value: () => T): T | null => (pick() < 0.2 ? null : value());
const VALUES = {
  s: () => one(['a', 'ab', 'b', 'ba', 'a%b', 'c_d', '10', '9']),
  n: () => one([-2, 0, 1, 2, 9007199254740993n.toString(), 42]),
  d: () => one(['0', '0.10', '-1.5', '2', '2.000', '10.01']),
  b: () => pick() < 0.5,
  day: () => one(['2020-01-01', '2020-06-30', '2021-01-01']),
  at: () => one(['2020-01-01T00:00:00Z', '2020-01-01T08:00:00+08:00', '2021-03-04T05:06:07.5Z']),
};
type Field = keyof typeof VALUES;
const NAMES = Object.keys(VALUES) as Field[];

function randomCondition(depth: number): Record<string, unknown> {
  const roll = pick();
  if (depth < 3 && roll < 0.15) return { _and: [randomCondition(depth + 1), randomCondition(depth + 1)] };
  if (depth < 3 && roll < 0.3) return { _or: [randomCondition(depth + 1), randomCondition(depth + 1)] };
  if (depth < 3 && roll < 0.45) return { _not: randomCondition(depth + 1) };
  const field = one(NAMES);
  const ops = field === 'b' ? ['eq', 'neq', 'in', 'nin', 'isNull'] : field === 's' ? ['eq', 'neq', 'in', 'nin', 'lt', 'lte', 'gt', 'gte', 'like', 'isNull'] : ['eq', 'neq', 'in', 'nin', 'lt', 'lte', 'gt', 'gte', 'isNull'];
  const op = one(ops);
  const value = op === 'isNull' ? pick() < 0.5 : op === 'in' || op === 'nin' ? [VALUES[field](), VALUES[field]()] : op === 'like' ? one(['a%', '%b', 'a\\%b', '_', 'c\\_d', '%']) : VALUES[field]();
  return { [field]: { [op]: value } };
}

describe('the filter compiler agrees with the reference semantics on PostgreSQL', () => {
  let client: pg.Client;
  const rows: Record<string, unknown>[] = [];

  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.CAUSEWAY_TEST_SERVER_URL });
    await client.connect();
    await client.query(`create temporary table t (_row int primary key, s text collate "C", n bigint, d numeric, b boolean, day date, at timestamptz)`);
    for (let index = 1; index <= 120; index += 1) {
      const row: Record<string, unknown> = { _row: index };
      for (const name of NAMES) row[name] = maybeNull<unknown>(VALUES[name]);
      rows.push(row);
      await client.query(`insert into t values ($1, $2, $3, $4, $5, $6, $7)`, [index, row.s, row.n, row.d, row.b, row.day, row.at]);
    }
  });
  afterAll(() => client.end());

  it(`selects exactly the rows evaluate admits, for 400 random filters (seed ${SEED})`, async () => {
    for (let trial = 0; trial < 400; trial += 1) {
      const where = randomCondition(0);
      const parsed = parseWhere(where, FIELDS, { path: 'where' });
      const params = new SqlParams();
      const sql = compileCondition(parsed.cond, { fields: FIELDS, alias: 't', params });
      const selected = (await client.query(`select _row from t where ${sql} order by _row`, params.values)).rows.map((row: { _row: number }) => row._row);
      const expected = rows.filter((row) => evaluate(parsed.cond, row, FIELDS)).map((row) => row._row);
      if (JSON.stringify(selected) !== JSON.stringify(expected)) {
        throw new Error(`filter ${JSON.stringify(where)} compiled to ${sql} ${JSON.stringify(params.values)}: SQL ${JSON.stringify(selected)} vs evaluate ${JSON.stringify(expected)}`);
      }
    }
    expect(rows.length).toBe(120);
  });
});

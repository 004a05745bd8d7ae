import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry, CatalogueVersions, FieldType, MaskType, OpenType, quoteVersionTable, Sensitivity, SharingType, UpdateCycle, type FieldInput } from '@causeway/catalogue';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { getDataSourceToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { grant } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';
import { random } from '../apps/gateway/src/seed/synthetic.js';

/**
 * The canary property: every cell holds a unique, recognisable value. For many random
 * (grant × query) pairs, no response body (cursors decoded) may contain a value its caller may
 * not read in clear; and changing every value a caller may not see at all leaves its responses
 * byte-identical.
 */

const SEED = Number(process.env.CANARY_SEED ?? 20260301);
const ROWS = 30;
const CONSUMERS = 10;
const QUERIES_PER_CONSUMER = 16;
const shapePick = random(SEED ^ 0x5eed);
const DISTRICTS = ['QD1', 'QD2', 'QD3'];

const FIELDS: FieldInput[] = [
  { name: 'code', title: '编码', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
  { name: 'district', title: '区划', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
  { name: 'name', title: '姓名', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.NAME },
  { name: 'idCard', title: '证件号', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.ID_CARD },
  { name: 'email', title: '邮箱', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.EMAIL },
  { name: 'note', title: '备注', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
  { name: 'tag', title: '标签', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL, mask: MaskType.HASH },
  { name: 'score', title: '分值', type: FieldType.INTEGER, sensitivity: Sensitivity.INTERNAL },
  { name: 'amount', title: '金额', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL },
  { name: 'born', title: '日期', type: FieldType.DATE, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.YEAR_ONLY },
  { name: 'secret', title: '机密', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
];
const GRANTABLE = FIELDS.filter((field) => field.sensitivity !== Sensitivity.SECRET).map((field) => field.name);
const ALL = FIELDS.map((field) => field.name);
const TYPES = new Map(FIELDS.map((field) => [field.name, field.type]));

let serial = 0;
/** A fresh canary for a field type: unmistakable, and never a substring of another. */
function canary(type: FieldType, pick: () => number): string | number {
  serial += 1;
  const unique = String(serial).padStart(4, '0');
  switch (type) {
    case FieldType.INTEGER:
      return Number(`73${unique}${Math.floor(pick() * 900 + 100)}1`);
    case FieldType.DECIMAL:
      return `86${unique}${Math.floor(pick() * 900 + 100)}.71`;
    case FieldType.DATE:
      return `18${String(10 + (serial % 89)).padStart(2, '0')}-${String(1 + (serial % 12)).padStart(2, '0')}-${String(1 + (serial % 28)).padStart(2, '0')}`;
    default:
      return `CNRY${unique}${Math.floor(pick() * 36 ** 4).toString(36).padStart(4, '0')}X`;
  }
}

interface Scope {
  kind: 'all' | 'district' | 'score';
  value?: string | number;
}

interface GrantSpec {
  fields: string[];
  masked: string[];
  scope: Scope;
  aggregateOnly: boolean;
}

const admits = (scope: Scope, row: Record<string, unknown>) =>
  scope.kind === 'all' ? true : scope.kind === 'district' ? row.district === scope.value : Number(row.score) > Number(scope.value);

const scopeJson = (scope: Scope) => (scope.kind === 'all' ? null : scope.kind === 'district' ? { district: { eq: scope.value } } : { score: { gt: scope.value } });

function pickSome<T>(items: readonly T[], pick: () => number, min = 0): T[] {
  const chosen = items.filter(() => pick() < 0.5);
  while (chosen.length < min) {
    const item = items[Math.floor(pick() * items.length)]!;
    if (!chosen.includes(item)) chosen.push(item);
  }
  return chosen;
}

/** Cells a department may see in clear: clear fields of rows its grants admit (rows only if not aggregate-only... aggregates expose clear values too). */
function clearValues(grants: readonly GrantSpec[], rows: readonly Record<string, unknown>[]): Set<string> {
  const visible = new Set<string>();
  for (const spec of grants) {
    for (const row of rows) {
      if (!admits(spec.scope, row)) continue;
      for (const field of spec.fields) if (!spec.masked.includes(field)) visible.add(String(row[field]));
    }
  }
  return visible;
}

/** Cells a department cannot see at all (neither clear nor masked): changing them must change nothing it sees. */
function hiddenCells(grants: readonly GrantSpec[], rows: readonly Record<string, unknown>[]): { row: number; field: string }[] {
  const cells: { row: number; field: string }[] = [];
  rows.forEach((row, index) => {
    for (const field of ALL) {
      // The scope fields decide which rows are admitted: they are never changed.
      if (field === 'district' || field === 'score' || field === 'code') continue;
      const seen = grants.some((spec) => !spec.aggregateOnly && admits(spec.scope, row) && spec.fields.includes(field)) || grants.some((spec) => spec.aggregateOnly && admits(spec.scope, row) && spec.fields.includes(field));
      if (!seen) cells.push({ row: index, field });
    }
  });
  return cells;
}

interface Query {
  query: string;
  variables: Record<string, unknown>;
}

function randomWhere(rows: readonly Record<string, unknown>[], pick: () => number, fields: readonly string[]): Record<string, unknown> | null {
  if (pick() < 0.3 || fields.length === 0) return null;
  const field = fields[Math.floor(pick() * fields.length)]!;
  const value = rows[Math.floor(pick() * rows.length)]![field];
  const type = TYPES.get(field)!;
  const ops = type === FieldType.STRING ? ['eq', 'neq', 'in', 'like', 'gt', 'isNull'] : ['eq', 'neq', 'in', 'lt', 'gte', 'isNull'];
  const op = ops[Math.floor(pick() * ops.length)]!;
  const operand = op === 'in' ? [value] : op === 'isNull' ? pick() < 0.5 : op === 'like' ? `${String(value).slice(0, 6)}%` : value;
  const condition = { [field]: { [op]: operand } };
  const shape = pick();
  return shape < 0.5 ? condition : shape < 0.75 ? { _not: condition } : { _or: [condition, { [field]: { isNull: true } }] };
}

interface Holdings {
  /** Fields the caller may read (clear or masked) and those it may read in clear. */
  granted: readonly string[];
  clear: readonly string[];
}

/**
 * A random query: most are well-formed for the caller's holdings (so that many are served and
 * the property is tested on real answers), the rest name any field at all.
 */
function randomQuery(rows: readonly Record<string, unknown>[], pick: () => number, holdings: Holdings = { granted: [], clear: [] }): Query {
  const legal = holdings.granted.length > 0 && pick() < 0.65;
  const readable = legal ? holdings.granted : ALL;
  const filterable = legal ? holdings.clear : ALL;
  const where = randomWhere(rows, pick, filterable);
  const kind = pick();
  const orderBy = pick() < 0.5 && filterable.length > 0 ? [{ field: filterable[Math.floor(pick() * filterable.length)]!, direction: pick() < 0.5 ? 'ASC' : 'DESC' }] : [];
  if (kind < 0.45) {
    return {
      query: `query($f: [String!]!, $w: JSON, $o: [RecordOrder!], $n: Int) { records(dataset: "CANARY", fields: $f, where: $w, orderBy: $o, first: $n) { nodes totalCount pageInfo { endCursor hasNextPage } edges { cursor } } }`,
      variables: { f: pickSome(readable, pick, 1), w: where, o: orderBy, n: 1 + Math.floor(pick() * 12) },
    };
  }
  if (kind < 0.75) {
    const fields = pickSome(readable, pick, 1);
    // Fields reach the typed field directly, aliased, through a named or an inline fragment
    // (drawn from a stream of their own, so that the seeded grants and queries stay as they were).
    const direct: string[] = [];
    const named: string[] = [];
    const inline: string[] = [];
    fields.forEach((field, index) => {
      const text = shapePick() < 0.3 ? `x${index}: ${field}` : field;
      const placement = shapePick();
      (placement < 0.5 ? direct : placement < 0.75 ? named : inline).push(text);
    });
    const nodes = [...direct, ...(named.length > 0 ? ['...Picked'] : []), ...(inline.length > 0 ? [`... on CanaryRow { ${inline.join(' ')} }`] : [])];
    const fragment = named.length > 0 ? ` fragment Picked on CanaryRow { ${named.join(' ')} }` : '';
    return {
      query: `query($w: CanaryWhere, $o: [CanaryOrder!]) { canary(where: $w, orderBy: $o, first: 7) { totalCount nodes { ${nodes.join(' ')} } edges { cursor node { ${fields[0]} } } } }${fragment}`,
      variables: { w: where, o: orderBy },
    };
  }
  const groupBy = pickSome(filterable, pick).slice(0, 2);
  const metricField = filterable.length > 0 ? filterable[Math.floor(pick() * filterable.length)]! : null;
  const numeric = metricField !== null && (TYPES.get(metricField) === FieldType.INTEGER || TYPES.get(metricField) === FieldType.DECIMAL);
  const fn = numeric ? ['SUM', 'AVG', 'MIN', 'MAX', 'COUNT'][Math.floor(pick() * 5)] : ['MIN', 'MAX', 'COUNT'][Math.floor(pick() * 3)];
  return {
    query: `query($g: [String!], $m: [MetricInput!], $w: JSON) { aggregate(dataset: "CANARY", groupBy: $g, metrics: $m, where: $w) { groups { key count metrics { value } } suppressedGroups } }`,
    variables: { g: groupBy, m: metricField && pick() < 0.8 ? [{ fn, field: metricField }] : [{ fn: 'COUNT' }], w: where },
  };
}

const holdingsOf = (grants: readonly GrantSpec[]): Holdings => ({
  granted: [...new Set(grants.flatMap((spec) => spec.fields))],
  clear: [...new Set(grants.flatMap((spec) => spec.fields.filter((field) => !spec.masked.includes(field))))],
});

/** The response body, with every cursor's payload decoded next to it. */
function bodyOf(answer: unknown): string {
  const body = JSON.stringify(answer);
  const cursors = [...body.matchAll(/"(?:cursor|endCursor)":"([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+"/g)].map((match) => Buffer.from(match[1]!, 'base64url').toString());
  return [body, ...cursors].join('\n');
}

describe('the canary property', () => {
  let gateway: TestGateway;
  let db: DataSource;
  let tableName: string;
  const pick = random(SEED);
  const rows: Record<string, unknown>[] = [];
  const consumers: { code: string; key: string; grants: GrantSpec[] }[] = [];
  let denied: string;

  const send = (credential: string, query: Query) => gateway.gql(query.query, query.variables, credential);

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    await gateway.dataset('DG-CANARY', {
      code: 'CANARY',
      apiName: 'canary',
      title: '金丝雀',
      summary: 'canary property test',
      category: '部门',
      updateCycle: UpdateCycle.IRREGULAR,
      sharingType: SharingType.CONDITIONAL,
      sharingCondition: '测试',
      sharingBasis: '测试',
      openType: OpenType.CLOSED,
      fields: FIELDS,
    });
    for (let index = 0; index < ROWS; index += 1) {
      const row: Record<string, unknown> = {};
      for (const field of FIELDS) row[field.name] = canary(field.type, pick);
      row.district = `${DISTRICTS[index % DISTRICTS.length]}${'Z'.repeat(3)}`;
      rows.push(row);
    }
    await loadVersion(gateway, 'DG-CANARY', 'CANARY', rows);
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('CANARY'))!;
    tableName = (await gateway.get(CatalogueVersions).versionFields(dataset.currentVersionId!))!.tableName;

    for (let index = 0; index < CONSUMERS; index += 1) {
      const code = `DG-C${index}`;
      const key = await gateway.client(code, `c${index}-system`);
      const grants: GrantSpec[] = [];
      for (let count = index % 3 === 0 ? 2 : 1; count > 0; count -= 1) {
        const fields = pickSome(GRANTABLE, pick, 1);
        const masked = fields.filter(() => pick() < 0.4);
        const scopeKind = pick();
        const scope: Scope =
          scopeKind < 0.3 ? { kind: 'all' } : scopeKind < 0.7 ? { kind: 'district', value: `${DISTRICTS[Math.floor(pick() * 3)]}ZZZ` } : { kind: 'score', value: Number(rows[Math.floor(pick() * ROWS)]!.score) };
        const spec = { fields, masked, scope, aggregateOnly: pick() < 0.2 };
        grants.push(spec);
        await grant(gateway, 'DG-CANARY', code, 'CANARY', { fields, masked, rowScope: scopeJson(scope), aggregateOnly: spec.aggregateOnly });
      }
      consumers.push({ code, key, grants });
    }
    denied = await gateway.client('DG-DENIED', 'denied-system');
    await gateway.get(TypedSchemaRegistry).settled();
  }, 120_000);
  afterAll(() => gateway.close());

  it(`shows no department a value it may not read in clear (seed ${SEED})`, async () => {
    const allCanaries = rows.flatMap((row) => ALL.map((field) => String(row[field])));
    let served = 0;
    for (const consumer of [...consumers, { code: 'DG-DENIED', key: denied, grants: [] as GrantSpec[] }]) {
      const allowed = clearValues(consumer.grants, rows);
      const forbidden = allCanaries.filter((value) => !allowed.has(value));
      for (let index = 0; index < QUERIES_PER_CONSUMER; index += 1) {
        const query = randomQuery(rows, pick, holdingsOf(consumer.grants));
        const answer = await send(consumer.key, query);
        if (!answer.errors && /"nodes":\[\{|"groups":\[\{/.test(JSON.stringify(answer))) served += 1;
        const body = bodyOf(answer);
        const leaked = forbidden.filter((value) => body.includes(value));
        if (leaked.length > 0) throw new Error(`${consumer.code} saw ${leaked.join(', ')} through ${JSON.stringify(query)}: ${body.slice(0, 2000)}`);
        expect(answer.errors?.[0]?.extensions?.code ?? 'OK').toMatch(/^(OK|FORBIDDEN_FIELDS|FORBIDDEN|BAD_USER_INPUT)$/);
      }
    }
    // The property is only worth something if many queries were actually answered with data.
    expect(served).toBeGreaterThan(40);
  }, 120_000);

  it('answers a caller byte for byte the same when values it cannot see change', async () => {
    const callers = [{ code: 'DG-DENIED', key: denied, grants: [] as GrantSpec[] }, ...consumers.slice(0, 4)];
    for (const caller of callers) {
      const queries = Array.from({ length: 12 }, () => randomQuery(rows, pick, holdingsOf(caller.grants)));
      const before = await Promise.all(queries.map((query) => send(caller.key, query).then((answer) => JSON.stringify(answer))));
      const cells = hiddenCells(caller.grants, rows);
      for (const { row, field } of cells) {
        const value = field === 'email' ? `${canary(FieldType.STRING, pick)}@x.test` : canary(TYPES.get(field)!, pick);
        rows[row]![field] = value;
        await db.query(`update ${quoteVersionTable(tableName)} set ${pg.escapeIdentifier(field)} = $1 where _row = $2`, [value, row + 1]);
      }
      const after = await Promise.all(queries.map((query) => send(caller.key, query).then((answer) => JSON.stringify(answer))));
      expect({ caller: caller.code, changed: cells.length, answers: after }).toEqual({ caller: caller.code, changed: cells.length, answers: before });
    }
  }, 120_000);
});

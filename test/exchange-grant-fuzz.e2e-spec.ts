import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessService } from '@causeway/access';
import { FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle, type FieldInput } from '@causeway/catalogue';
import { Role, type RequestContext } from '@causeway/core';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { DepartmentsService } from '@causeway/identity';
import { PolicyService } from '@causeway/policy';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { grant } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';
import { random } from '../apps/gateway/src/seed/synthetic.js';

/**
 * Policy fuzzing, reproduced and kept: seeded random grants (changed between rounds, as a
 * steward revokes and an approval grants) × seeded random typed and generic queries (aliases,
 * named and inline fragments, edges, where with _and/_or/_not, orderBy). Every answer is checked
 * against an oracle computed from the grants alone: a query is served iff one grant covers every
 * selected field and, in clear, every filtered and sorted field; a served value is clear iff a
 * covering grant gives it clear on that row, masked otherwise.
 */

const SEED = Number(process.env.GRANT_FUZZ_SEED ?? 20261207);
const ROUNDS = 30;
const QUERIES_PER_ROUND = 10;
const ROWS = 40;

const FIELDS: FieldInput[] = [
  { name: 'k', title: '键', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
  { name: 'c', title: '类', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
  { name: 'n', title: '名', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.NAME },
  { name: 'h', title: '哈', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL, mask: MaskType.HASH },
  { name: 'v', title: '值', type: FieldType.INTEGER, sensitivity: Sensitivity.INTERNAL },
  { name: 's', title: '密', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
];
const ALL = FIELDS.map((field) => field.name);
const GRANTABLE = FIELDS.filter((field) => field.sensitivity !== Sensitivity.SECRET).map((field) => field.name);
const DATASETS = [
  { code: 'FZ-1', apiName: 'fzData1' },
  { code: 'FZ-2', apiName: 'fzData2' },
];
const CONSUMERS = ['DG-FZ0', 'DG-FZ1', 'DG-FZ2'];

interface Scope {
  /** null: every row; else rows whose v is greater. */
  vAbove: number | null;
}

interface GrantState {
  id: string;
  fields: string[];
  masked: string[];
  scope: Scope;
}

type Row = Record<string, string | number>;

function rowsOf(dataset: string): Row[] {
  return Array.from({ length: ROWS }, (_, index) => {
    const k = `K${String(index + 1).padStart(4, '0')}`;
    // Every cell unique in the table, so that a value alone tells its row and field.
    return { k, c: `${dataset}-c-${k}`, n: `${dataset}名${k}`, h: `${dataset}-h-${k}`, v: 1000 + index * 7, s: `${dataset}-s-${k}` };
  });
}

const admits = (scope: Scope, row: Row) => scope.vAbove === null || Number(row.v) > scope.vAbove;

interface Expected {
  allowed: boolean;
  /** Per field: the rows (by k) whose value is served in clear. */
  clearRows: Map<string, Set<string>>;
  /** Rows admitted at all. */
  rows: Set<string>;
}

/** The oracle: what ARCHITECTURE §3 says this query should get, from the grants alone. */
function oracle(grants: readonly GrantState[], rows: readonly Row[], select: readonly string[], clearNeeded: readonly string[]): Expected {
  const covering = grants.filter((held) => select.every((field) => held.fields.includes(field)) && clearNeeded.every((field) => held.fields.includes(field) && !held.masked.includes(field)));
  const clearRows = new Map<string, Set<string>>();
  const admitted = new Set<string>();
  for (const row of rows) if (covering.some((held) => admits(held.scope, row))) admitted.add(String(row.k));
  for (const field of select) {
    const clear = new Set<string>();
    for (const row of rows) if (covering.some((held) => admits(held.scope, row) && !held.masked.includes(field))) clear.add(String(row.k));
    clearRows.set(field, clear);
  }
  return { allowed: covering.length > 0, clearRows, rows: admitted };
}

interface FuzzQuery {
  text: string;
  variables: Record<string, unknown>;
  /** The data path of the rows in the answer. */
  rowsOf: (data: Record<string, unknown>) => Record<string, unknown>[];
  /** Answer key → field, for reading a node. */
  keys: Map<string, string>;
  select: string[];
  clearNeeded: string[];
}

function pickSome<T>(items: readonly T[], pick: () => number, min = 1): T[] {
  const chosen = items.filter(() => pick() < 0.5);
  while (chosen.length < min) {
    const item = items[Math.floor(pick() * items.length)]!;
    if (!chosen.includes(item)) chosen.push(item);
  }
  return chosen;
}

const one = <T>(items: readonly T[], pick: () => number): T => items[Math.floor(pick() * items.length)]!;

function randomWhere(field: string, rows: readonly Row[], pick: () => number): Record<string, unknown> {
  const value = one(rows, pick)[field]!;
  const comparison = field === 'v' ? one([{ gt: String(value) }, { eq: String(value) }, { lte: String(value) }], pick) : one([{ eq: value }, { neq: value }, { like: `${String(value).slice(0, 5)}%` }], pick);
  const condition = { [field]: comparison };
  const shape = pick();
  if (shape < 0.4) return condition;
  if (shape < 0.6) return { _not: condition };
  if (shape < 0.8) return { _or: [condition, { [field]: { isNull: true } }] };
  return { _and: [{ _or: [condition] }] };
}

/**
 * A typed query whose fields are spread over direct selections, aliases, a named fragment,
 * an inline fragment and edges { node }; or the generic records query.
 */
function randomQuery(dataset: (typeof DATASETS)[number], rows: readonly Row[], held: readonly GrantState[], pick: () => number): FuzzQuery {
  const legal = held.length > 0 && pick() < 0.6;
  const grantSource = legal ? one(held, pick) : null;
  const readable = grantSource ? grantSource.fields : ALL;
  const clearable = grantSource ? grantSource.fields.filter((field) => !grantSource.masked.includes(field)) : ALL;
  const select = pickSome(readable, pick);
  // Now and then one field outside the holdings: the case the fuzzer found served.
  if (legal && pick() < 0.25) {
    const outside = ALL.filter((field) => !readable.includes(field));
    if (outside.length > 0) select.push(one(outside, pick));
  }
  const whereField = pick() < 0.55 && clearable.length > 0 ? one(clearable, pick) : null;
  const where = whereField ? randomWhere(whereField, rows, pick) : null;
  const orderField = pick() < 0.4 && clearable.length > 0 ? one(clearable, pick) : null;
  const clearNeeded = [...(whereField ? [whereField] : []), ...(orderField ? [orderField] : [])];
  const first = one([1, 5, 100], pick);
  const keys = new Map<string, string>();

  if (pick() < 0.25) {
    for (const field of select) keys.set(field, field);
    return {
      text: `query($f: [String!]!, $w: JSON, $o: [RecordOrder!], $n: Int) { records(dataset: "${dataset.code}", fields: $f, where: $w, orderBy: $o, first: $n) { nodes } }`,
      variables: { f: select, w: where, o: orderField ? [{ field: orderField, direction: pick() < 0.5 ? 'ASC' : 'DESC' }] : [], n: first },
      rowsOf: (data) => (data.records as { nodes: Record<string, unknown>[] }).nodes,
      keys,
      select,
      clearNeeded,
    };
  }
  const row = `${dataset.apiName.charAt(0).toUpperCase()}${dataset.apiName.slice(1)}Row`;
  const direct: string[] = [];
  const named: string[] = [];
  const inline: string[] = [];
  const viaEdges: string[] = [];
  select.forEach((field, index) => {
    const placement = pick();
    const alias = pick() < 0.4 ? `a${index}_${field}` : null;
    const text = alias ? `${alias}: ${field}` : field;
    if (alias) keys.set(alias, field);
    else keys.set(field, field);
    if (placement < 0.35) direct.push(text);
    else if (placement < 0.55) named.push(text);
    else if (placement < 0.75) inline.push(text);
    else viaEdges.push(text);
  });
  // Every selected field must come back in nodes for the check; edges-only fields are also asked in edges.
  const nodes = [...direct, ...(inline.length > 0 ? [`... on ${row} { ${inline.join(' ')} }`] : []), ...(named.length > 0 ? ['...Picked'] : []), ...viaEdges];
  // Directives: a skipped field is not read (and not judged); an included one is.
  if (pick() < 0.3) nodes.push(`${one(ALL, pick)} @skip(if: true)`, `k2: k @include(if: false)`);
  const connection = dataset.apiName.charAt(0).toUpperCase() + dataset.apiName.slice(1) + 'Connection';
  // nodes itself now and then comes through a fragment on the connection.
  const nodesSelection = pick() < 0.3 ? `... on ${connection} { nodes { ${nodes.join(' ')} } }` : `nodes { ${nodes.join(' ')} }`;
  const fragment = named.length > 0 ? ` fragment Picked on ${row} { ${named.join(' ')} }` : '';
  const edges = viaEdges.length > 0 ? ` edges { node { ${viaEdges.join(' ')} } }` : '';
  const args = [`first: ${first}`, ...(where ? ['where: $w'] : []), ...(orderField ? [`orderBy: [{ field: ${orderField}, direction: ${pick() < 0.5 ? 'ASC' : 'DESC'} }]`] : [])];
  const variables = where ? `($w: ${dataset.apiName.charAt(0).toUpperCase()}${dataset.apiName.slice(1)}Where)` : '';
  return {
    text: `query${variables} { ${dataset.apiName}(${args.join(', ')}) { ${nodesSelection}${edges} } }${fragment}`,
    variables: where ? { w: where } : {},
    rowsOf: (data) => (data[dataset.apiName] as { nodes: Record<string, unknown>[] }).nodes,
    keys,
    select,
    clearNeeded,
  };
}

/** What is wrong with one answer, judged by the oracle; null when it is right. */
function judge(answer: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] }, query: FuzzQuery, expected: Expected, rows: readonly Row[]): string | null {
  if (!expected.allowed) {
    if (!answer.errors || answer.data) return 'served a query the grants do not cover';
    const code = answer.errors[0]?.extensions?.code;
    return code === 'FORBIDDEN_FIELDS' || code === 'FORBIDDEN' ? null : `refused with ${code}, not FORBIDDEN_FIELDS`;
  }
  if (answer.errors) return `refused a covered query: ${JSON.stringify(answer.errors[0])}`;
  const byValue = new Map<string, { k: string; field: string }>();
  for (const row of rows) for (const field of ALL) byValue.set(String(row[field]), { k: String(row.k), field });
  for (const node of query.rowsOf(answer.data!)) {
    for (const [key, field] of query.keys) {
      const value = node[key];
      const clear = expected.clearRows.get(field)!;
      // No cell is null: a null or an unknown value is a mask, right only where some admitted row is masked.
      const origin = value === null || value === undefined ? undefined : byValue.get(String(value));
      if (!origin) {
        if ([...expected.rows].every((k) => clear.has(k))) return `served ${field} masked, where it must be clear`;
        continue;
      }
      if (origin.field !== field) return `${field} carried ${origin.field}'s value`;
      if (!expected.rows.has(origin.k)) return `served row ${origin.k}, outside the admitted rows`;
      if (!clear.has(origin.k)) return `served ${field} of ${origin.k} in clear, where it must be masked`;
    }
  }
  return null;
}

describe('policy fuzzing: random grants × random typed queries', () => {
  let gateway: TestGateway;
  const keys = new Map<string, string>();
  const held = new Map<string, GrantState[]>();
  const data = new Map(DATASETS.map((dataset) => [dataset.code, rowsOf(dataset.code)]));

  beforeAll(async () => {
    gateway = await TestGateway.start();
    for (const dataset of DATASETS) {
      await gateway.dataset('DG-FZP', {
        code: dataset.code,
        apiName: dataset.apiName,
        title: `模糊 ${dataset.code}`,
        summary: 'grant fuzzing',
        category: '部门',
        updateCycle: UpdateCycle.IRREGULAR,
        sharingType: SharingType.CONDITIONAL,
        sharingCondition: '测试',
        sharingBasis: '测试',
        openType: OpenType.CLOSED,
        fields: FIELDS,
      });
      await loadVersion(gateway, 'DG-FZP', dataset.code, data.get(dataset.code)!);
    }
    for (const code of CONSUMERS) keys.set(code, await gateway.client(code, `${code.toLowerCase()}-system`));
    await gateway.get(TypedSchemaRegistry).settled();
  }, 120_000);
  afterAll(() => gateway.close());

  it(`serves no query beyond its grants, however the grants change (seed ${SEED})`, async () => {
    const pick = random(SEED);
    const access = gateway.get(AccessService);
    const steward = await gateway.steward('DG-FZP');
    const wrong: string[] = [];
    let served = 0;
    let refused = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // A steward revokes one consumer's grants on one dataset, then an approval grants anew.
      const consumer = one(CONSUMERS, pick);
      const dataset = one(DATASETS, pick);
      const slot = `${consumer}|${dataset.code}`;
      // The consumer keeps querying while its grants change, as a busy client does: a policy
      // cache filled from a read that straddles the change must not outlive it.
      let changing = true;
      const busy = Array.from({ length: 2 }, async () => {
        const probe = `{ ${dataset.apiName}(first: 1) { nodes { k } } }`;
        while (changing) await gateway.gql(probe, {}, keys.get(consumer)!);
      });
      for (const old of held.get(slot) ?? []) await access.revokeGrant(steward, old.id, 'fuzz round');
      const next: GrantState[] = [];
      for (let count = pick() < 0.8 ? 1 : pick() < 0.5 ? 0 : 2; count > 0; count -= 1) {
        const fields = pickSome(GRANTABLE, pick);
        const masked = fields.filter(() => pick() < 0.3);
        const scope: Scope = { vAbove: pick() < 0.7 ? null : 1000 + Math.floor(pick() * ROWS) * 7 };
        const id = await grant(gateway, 'DG-FZP', consumer, dataset.code, { fields, masked, rowScope: scope.vAbove === null ? null : { v: { gt: String(scope.vAbove) } } });
        next.push({ id, fields, masked, scope });
      }
      held.set(slot, next);
      changing = false;
      await Promise.all(busy);

      for (let index = 0; index < QUERIES_PER_ROUND; index += 1) {
        const asker = one(CONSUMERS, pick);
        const target = one(DATASETS, pick);
        const grants = held.get(`${asker}|${target.code}`) ?? [];
        const rows = data.get(target.code)!;
        const query = randomQuery(target, rows, grants, pick);
        const expected = oracle(grants, rows, query.select, query.clearNeeded);
        const answer = await gateway.gql(query.text, query.variables, keys.get(asker)!);
        const problem = judge(answer, query, expected, rows);
        if (problem) wrong.push(`${asker} holding ${JSON.stringify(grants.map(({ fields, masked, scope }) => ({ fields, masked, scope })))}: ${problem} — ${query.text} ${JSON.stringify(query.variables)}`);
        if (answer.errors) refused += 1;
        else served += 1;
      }
    }
    expect(wrong).toEqual([]);
    // Worth something only if both outcomes were tested many times.
    expect(served).toBeGreaterThan(60);
    expect(refused).toBeGreaterThan(60);
  }, 300_000);

  it('serves no field of a revoked grant through an ability built from grants read before the revoke landed', async () => {
    // DG-FZR holds {k} and {k, c}; the second is revoked while a query of DG-FZR reads its grants.
    const key = await gateway.client('DG-FZR', 'fzr-system');
    await grant(gateway, 'DG-FZP', 'DG-FZR', 'FZ-1', { fields: ['k'] });
    const wide = await grant(gateway, 'DG-FZP', 'DG-FZR', 'FZ-1', { fields: ['k', 'c'] });
    const query = `{ fzData1(first: 100, where: { k: { eq: "K0027" } }) { nodes { k c } } }`;
    expect((await gateway.gql(query, {}, key)).errors).toBeUndefined();

    const policy = gateway.get(PolicyService);
    const department = (await gateway.get(DepartmentsService).byCode('DG-FZR'))!;
    const ctx: RequestContext = {
      requestId: 'fuzz',
      principal: { kind: 'CLIENT', id: 'fzr', label: 'fzr-system', departmentId: department.id, departmentCode: 'DG-FZR', divisionCode: department.divisionCode, roles: [Role.CONSUMER] },
      clientIp: null,
      purpose: null,
      endUserId: null,
      startedAt: Date.now(),
    };
    const dataset = (await policy.dataset('FZ-1'))!;
    const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    const revoke = db.createQueryRunner();
    await revoke.connect();
    try {
      // The revoke is written but not yet committed: a read of the grants now sees the wide grant,
      // whenever it runs, as a read that started just before the commit does.
      await revoke.startTransaction();
      await revoke.query(`update access_grant set status = 'REVOKED', revoked_at = now(), revoked_by = 'fuzz', revoke_reason = 'fuzz', version = version + 1 where id = $1`, [wide]);
      policy.grantsChanged(department.id);
      const inFlight = policy.plan(ctx, dataset, { mode: 'records', select: ['k', 'c'], clear: [] });
      // The change's notice arrives while that read is in flight (the revoking process's own
      // invalidation, or the LISTEN/NOTIFY of another replica's commit).
      policy.grantsChanged(department.id);
      await inFlight;
      await revoke.commitTransaction();
    } finally {
      await revoke.release();
    }

    const after = await gateway.gql(query, {}, key);
    expect(after.data ?? null).toBeNull();
    expect(after.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: ['c'] });
  });
});

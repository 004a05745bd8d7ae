// The exchange under load, next to two references on the same table and queries:
//   - bare: a minimal Node http server running the SQL with bare pg and writing JSON (the ceiling
//     for any Node gateway on this machine);
//   - PostGraphile v4 (the peer a user would otherwise pick; it enforces no policy, audits nothing).
// Scenarios: a point lookup by key, a page of 100 rows with a filter, an aggregate; each as the
// provider (everything clear) and as a consumer (masks and a row scope, audited).
//
//   npm run bench:exchange -- [--rows 1000000] [--big] [--duration 10] [--connections 10] [--only <text>]
//
// --big loads 12,000,000 rows; --only runs the scenarios whose name or server contains the text.
// GATEWAY_NODE_OPTIONS is passed to the gateway's process only (e.g. --import a profiler hook).
// Uses DATABASE_URL when set (a fresh database on that server), else an embedded PostgreSQL in a
// temporary folder (durable settings, as `npm start` runs it).
// Prints req/s, p50 and p99 per scenario and server, the ratios, and the point lookup's p99 at a
// fixed 200 req/s.
import autocannon from 'autocannon';
import { getDataSourceToken } from '@nestjs/typeorm';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { EmbeddedPostgres } from '../../dist/libs/database/src/embedded-postgres.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const ROWS = process.argv.includes('--big') ? 12_000_000 : Number(argument('rows', 1_000_000));
const DURATION = Number(argument('duration', 10));
const CONNECTIONS = Number(argument('connections', 10));
const ONLY = argument('only', '');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const DISTRICTS = ['440103', '440104', '440105', '440106', '440111', '440112', '440113', '440114', '440115', '440117', '440118', '440183'];
const CONSUMER_DISTRICT = '440106';
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'REVOKED', 'CANCELLED'];
const keyOf = (index) => `R${String(index).padStart(10, '0')}`;

const log = (line) => process.stderr.write(`${line}\n`);
const temp = await mkdtemp(path.join(os.tmpdir(), 'causeway-bench-exchange-'));
await chmod(temp, 0o755);
let embedded = null;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  // --fast: no fsync (as the tests run it), to tell commit latency from CPU cost.
  embedded = await EmbeddedPostgres.open({ dataDir: path.join(temp, 'pg'), database: 'postgres', fast: process.argv.includes('--fast') });
  serverUrl = embedded.url;
}
const database = `causeway_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${pg.escapeIdentifier(database)}`);
await admin.end();
const url = new URL(serverUrl);
url.pathname = `/${database}`;
const gatewayEnv = {
  DATABASE_URL: url.toString(),
  CAUSEWAY_DATA_DIR: path.join(temp, 'data'),
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
};
Object.assign(process.env, gatewayEnv, { LOG_LEVEL: 'silent' });

const children = [];
async function cleanup() {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await embedded?.stop();
  await rm(temp, { recursive: true, force: true });
}

// ---- setup: departments, clients, the dataset, its rows, a grant --------------------------------

const { createGateway } = await import('../../dist/apps/gateway/src/bootstrap.js');
const { CatalogueService, FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle } = await import('../../dist/libs/catalogue/src/index.js');
const { DepartmentsService, SystemClientsService } = await import('../../dist/libs/identity/src/index.js');
const { GrantsService, PolicyService } = await import('../../dist/libs/policy/src/index.js');
const { Role } = await import('../../dist/libs/core/src/index.js');

const FIELDS = [
  { name: 'regNo', title: '注册号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
  { name: 'entName', title: '企业名称', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
  { name: 'legalRep', title: '法定代表人', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.NAME },
  { name: 'legalRepIdCard', title: '法定代表人身份证号', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.ID_CARD },
  { name: 'phone', title: '联系电话', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.PHONE },
  { name: 'district', title: '所属区', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
  { name: 'industry', title: '行业', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
  { name: 'capital', title: '注册资本', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL },
  { name: 'employees', title: '从业人数', type: FieldType.INTEGER, sensitivity: Sensitivity.INTERNAL },
  { name: 'foundedOn', title: '成立日期', type: FieldType.DATE, sensitivity: Sensitivity.INTERNAL },
  { name: 'status', title: '登记状态', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
  { name: 'updatedAt', title: '更新时间', type: FieldType.DATETIME, sensitivity: Sensitivity.INTERNAL },
];
const NAMES = FIELDS.map((field) => field.name);

let tableName;
let providerKey;
let consumerKey;
{
  const app = await createGateway({ logger: false });
  await app.init();
  const departments = app.get(DepartmentsService, { strict: false });
  const provider = await departments.create(null, { code: 'DG-AMR', name: '市场监管局', divisionCode: '440100' });
  const consumer = await departments.create(null, { code: 'DG-TIANHE', name: '天河区政务服务数据管理局', divisionCode: CONSUMER_DISTRICT });
  const clients = app.get(SystemClientsService, { strict: false });
  providerKey = (await clients.create(null, { department: 'DG-AMR', name: 'amr-system', roles: [Role.CONSUMER] })).key;
  consumerKey = (await clients.create(null, { department: 'DG-TIANHE', name: 'tianhe-system', roles: [Role.CONSUMER] })).key;
  const steward = {
    requestId: 'bench',
    principal: { kind: 'USER', id: 'bench', label: 'bench', departmentId: provider.id, departmentCode: 'DG-AMR', divisionCode: '440100', roles: [Role.STEWARD] },
    clientIp: null,
    purpose: null,
    endUserId: null,
    startedAt: Date.now(),
  };
  const catalogue = app.get(CatalogueService, { strict: false });
  await catalogue.register(steward, {
    code: 'AMR-ENT',
    apiName: 'enterprises',
    title: '企业登记信息（基准）',
    summary: '基准测试数据',
    category: '基础',
    updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.CONDITIONAL,
    sharingCondition: '依法履职',
    sharingBasis: '基准',
    openType: OpenType.CLOSED,
    fields: FIELDS,
  });
  const db = app.get(getDataSourceToken(), { strict: false });
  const started = Date.now();
  log(`loading ${ROWS.toLocaleString('en')} rows…`);
  await db.transaction(async (tx) => {
    const begun = await catalogue.beginVersion(tx, steward, 'AMR-ENT');
    tableName = begun.tableName;
    const qualified = tableName.split('.').map((part) => pg.escapeIdentifier(part)).join('.');
    const q = (name) => pg.escapeIdentifier(name);
    await tx.query(`create table ${qualified} (_row bigint not null, ${q('regNo')} text not null, ${q('entName')} text, ${q('legalRep')} text, ${q('legalRepIdCard')} text,
      ${q('phone')} text, ${q('district')} text, ${q('industry')} text, ${q('capital')} numeric, ${q('employees')} bigint, ${q('foundedOn')} date,
      ${q('status')} text, ${q('updatedAt')} timestamptz)`);
    // Deterministic pseudo-random rows, generated by the server (COPY from Node would take longer).
    const districts = `(array[${DISTRICTS.map((d) => `'${d}'`).join(',')}])`;
    const statuses = `(array[${STATUSES.map((s) => `'${s}'`).join(',')}])`;
    for (let from = 1; from <= ROWS; from += 1_000_000) {
      const to = Math.min(ROWS, from + 999_999);
      await tx.query(`insert into ${qualified}
        select i, 'R' || lpad(i::text, 10, '0'), '广州某某' || (i % 9973) || '贸易有限公司', (array['张','李','王','陈','刘'])[(1 + i % 5)::int] || (array['伟','芳','娜','敏','静'])[(1 + (i / 5) % 5)::int],
               '4401' || lpad(((i * 7919) % 100000000)::text, 10, '0') || lpad((i % 10000)::text, 4, '0'), '13' || lpad(((i * 104729) % 1000000000)::text, 9, '0'),
               ${districts}[(1 + i % 12)::int], 'I' || (i % 20), ((i * 37) % 100000000) / 100.0, (i * 13) % 5000,
               date '1990-01-01' + (i % 12000)::int, ${statuses}[(1 + (i / 12) % 5)::int],
               timestamptz '2024-01-01 00:00:00+08' + ((i % 86400) || ' seconds')::interval
          from generate_series(${from}::bigint, ${to}::bigint) as i`);
      log(`  ${to.toLocaleString('en')} rows (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    await tx.query(`alter table ${qualified} add primary key (_row)`);
    await tx.query(`create unique index on ${qualified} (${q('regNo')})`);
    // The consumer's row scope is on district: an index the provider would add for it.
    await tx.query(`create index on ${qualified} (${q('district')})`);
    await catalogue.recordVersion(tx, steward, begun.dataset, {
      version: begun.version,
      tableName,
      rowCount: ROWS,
      checksum: `bench-${ROWS}`,
      sourceName: 'generate_series',
      encoding: null,
      format: 'sql',
      fields: FIELDS.map(({ name, title, type, isKey }) => ({ name, title, type, nullable: !isKey, isKey: Boolean(isKey) })),
    });
    return begun.version;
  }).then((version) => catalogue.publishVersion(steward, 'AMR-ENT', version));
  await db.query(`analyze ${tableName.split('.').map((part) => pg.escapeIdentifier(part)).join('.')}`);
  // PostGraphile names the table by a smart comment; Causeway ignores it.
  await db.query(`comment on table ${tableName.split('.').map((part) => pg.escapeIdentifier(part)).join('.')} is E'@name enterprises'`);
  const policy = app.get(PolicyService, { strict: false });
  const dataset = await policy.dataset('AMR-ENT');
  const grants = app.get(GrantsService, { strict: false });
  await db.transaction((tx) =>
    grants.create(tx, steward, {
      dataset,
      consumerDepartmentId: consumer.id,
      accessRequestId: null,
      fields: NAMES,
      masked: ['legalRep', 'legalRepIdCard', 'phone'],
      rowScope: { district: { eq: { $consumer: 'divisionCode' } } },
      purpose: 'bench',
      useScope: null,
      legalBasis: null,
      validUntil: null,
      aggregateOnly: false,
      requirePurpose: false,
      requireEndUserId: false,
    }),
  );
  await app.close();
  log(`loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// ---- the three servers, each in its own process ----------------------------------------------------

function start(name, script, args, env, readyPattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--min-semi-space-size=16', script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 60_000);
    const watch = (chunk) => {
      output += chunk.toString();
      if (readyPattern.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}): ${output}`)));
  });
}

const PORTS = { gateway: 3901, bare: 3902, postgraphile: 3903 };
await start('gateway', 'dist/apps/gateway/src/main.js', [], { ...gatewayEnv, PORT: String(PORTS.gateway), HOST: '127.0.0.1', NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS ?? '' }, /Causeway|listening|http:\/\/localhost/i);
await start('bare', path.join(here, 'bare-server.mjs'), [], { DATABASE_URL: url.toString(), PORT: String(PORTS.bare), TABLE: tableName }, /ready/);
await start('postgraphile', path.join(here, 'postgraphile-server.mjs'), [], { DATABASE_URL: url.toString(), PORT: String(PORTS.postgraphile) }, /ready/);

// ---- scenarios -------------------------------------------------------------------------------------

const randomKey = (scoped) => {
  // Keys of rows in the consumer's district when scoped (i % 12 == 3 is 440106), so that lookups find rows.
  const block = Math.floor(Math.random() * Math.floor(ROWS / 12));
  const index = scoped ? block * 12 + 3 : 1 + Math.floor(Math.random() * ROWS);
  return keyOf(Math.max(1, Math.min(ROWS, index)));
};

const gql = (key, query, variables) => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-purpose': 'bench' },
  body: JSON.stringify({ query, variables }),
});
const FIELD_LIST = NAMES.join(' ');
const LOOKUP = `query($k: String!) { records(dataset: "AMR-ENT", fields: ${JSON.stringify(NAMES)}, where: { regNo: { eq: $k } }, first: 1) { nodes } }`;
const PAGE = `{ records(dataset: "AMR-ENT", fields: ${JSON.stringify(NAMES)}, where: { status: { eq: "ACTIVE" } }, first: 100) { nodes } }`;
const TYPED_PAGE = `{ enterprises(where: { status: { eq: "ACTIVE" } }, first: 100) { nodes { ${FIELD_LIST} } } }`;
const AGGREGATE = `{ aggregate(dataset: "AMR-ENT", groupBy: ["industry"], metrics: [{ fn: COUNT }, { fn: AVG, field: "capital" }], where: { district: { eq: "${CONSUMER_DISTRICT}" } }) { groups { key count metrics { value } } } }`;
const PG_LOOKUP = `query($k: String!) { allEnterprises(condition: { regNo: $k }, first: 1) { nodes { ${FIELD_LIST} } } }`;
const PG_PAGE = `{ allEnterprises(condition: { status: "ACTIVE" }, first: 100) { nodes { ${FIELD_LIST} } } }`;

const scenarios = [
  { scenario: 'point lookup', server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: `/lookup?key=${randomKey(false)}` }) },
  { scenario: 'point lookup', server: 'PostGraphile v4', port: PORTS.postgraphile, request: () => ({ ...gql('', PG_LOOKUP, { k: randomKey(false) }), headers: { 'content-type': 'application/json' } }) },
  { scenario: 'point lookup', server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, LOOKUP, { k: randomKey(false) }) },
  { scenario: 'point lookup', server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, LOOKUP, { k: randomKey(true) }) },
  { scenario: '100-row page, filtered', server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: '/page' }) },
  { scenario: '100-row page, filtered', server: 'PostGraphile v4', port: PORTS.postgraphile, request: () => ({ ...gql('', PG_PAGE, {}), headers: { 'content-type': 'application/json' } }) },
  { scenario: '100-row page, filtered', server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, PAGE, {}) },
  { scenario: '100-row page, filtered', server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, PAGE, {}) },
  { scenario: '100-row page, filtered', server: 'Causeway consumer (typed)', port: PORTS.gateway, request: () => gql(consumerKey, TYPED_PAGE, {}) },
  { scenario: 'aggregate', server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: '/aggregate' }) },
  { scenario: 'aggregate', server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, AGGREGATE, {}) },
  { scenario: 'aggregate', server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, AGGREGATE, {}) },
];

function drive(port, request, options = {}) {
  return new Promise((resolve, reject) => {
    let errors = 0;
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: options.duration ?? DURATION,
        overallRate: options.rate,
        requests: [{ setupRequest: (current) => ({ ...current, ...request() }) }],
      },
      (error, result) => (error ? reject(error) : resolve({ result, errors })),
    );
    instance.on('response', (_client, statusCode, _bytes) => {
      if (statusCode !== 200) errors += 1;
    });
  });
}

/** One request to check a scenario answers what it should (and warm up). */
async function check(port, request) {
  const spec = request();
  const response = await fetch(`http://127.0.0.1:${port}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`scenario check failed (${response.status}): ${text.slice(0, 500)}`);
  return text;
}

if (process.argv.includes('--explain')) {
  // The plans of the consumer's statements, as the exchange builds them (scope AND filter, _row order).
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const table = tableName.split('.').map((part) => pg.escapeIdentifier(part)).join('.');
  const columns = NAMES.map((name, index) => `t.${pg.escapeIdentifier(name)} as c${index}`).join(', ');
  for (const [label, sql, values] of [
    ['consumer page', `select t._row as _r, ${columns} from ${table} t where t."district" = $1::text and t."status" = $2::text order by t._row asc limit $3::int`, [CONSUMER_DISTRICT, 'ACTIVE', 101]],
    ['consumer lookup', `select t._row as _r, ${columns} from ${table} t where t."district" = $1::text and t."regNo" = $2::text order by t._row asc limit $3::int`, [CONSUMER_DISTRICT, keyOf(15), 2]],
  ]) {
    const plan = await client.query(`explain (analyze, buffers) ${sql}`, values);
    log(`${label}:\n${plan.rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n')}`);
  }
  await client.end();
}

const results = [];
try {
  const maskedSample = await check(PORTS.gateway, () => gql(consumerKey, PAGE, {}));
  if (!/"legalRepIdCard":"4401\*+\d{4}"/.test(maskedSample) || maskedSample.includes('"district":"440103"')) throw new Error('the consumer scenario does not mask or scope');
  for (const item of scenarios.filter((candidate) => `${candidate.scenario} ${candidate.server}`.includes(ONLY))) {
    await check(item.port, item.request);
    await drive(item.port, item.request, { duration: 2 });
    const { result, errors } = await drive(item.port, item.request);
    results.push({ ...item, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: errors + result.errors + result.timeouts });
    log(`${item.scenario.padEnd(24)} ${item.server.padEnd(28)} ${result.requests.average.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms`);
  }
  const fixed = await drive(PORTS.gateway, () => gql(consumerKey, LOOKUP, { k: randomKey(true) }), { rate: 200, duration: DURATION });
  const fixedProvider = await drive(PORTS.gateway, () => gql(providerKey, LOOKUP, { k: randomKey(false) }), { rate: 200, duration: DURATION });

  const find = (scenario, server) => results.find((row) => row.scenario === scenario && row.server === server);
  const ratio = (a, b) => (a && b ? `${(a.rps / b.rps).toFixed(2)}×` : '–');
  const lines = [
    `Exchange benchmark: ${ROWS.toLocaleString('en')} rows × 12 fields, ${CONNECTIONS} connections, ${DURATION} s per run, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}`,
    '',
    '| scenario | server | req/s | p50 ms | p99 ms | vs bare | vs PostGraphile | non-200 |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((row) => {
      const bare = find(row.scenario, 'bare');
      const peer = find(row.scenario, 'PostGraphile v4');
      return `| ${row.scenario} | ${row.server} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${ratio(row, bare)} | ${ratio(row, peer)} | ${row.errors} |`;
    }),
    '',
    `Point lookup at a fixed 200 req/s: consumer p50 ${fixed.result.latency.p50} ms, p99 ${fixed.result.latency.p99} ms; provider p50 ${fixedProvider.result.latency.p50} ms, p99 ${fixedProvider.result.latency.p99} ms.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await cleanup();
}

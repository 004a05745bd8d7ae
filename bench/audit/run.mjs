// What auditing costs: the exchange benchmark's 100-row consumer query (masks and a row scope,
// one audit event per request) against the same gateway with auditing off, with one INSERT
// transaction per request, and with the group-commit writer; PostGraphile v4 on the same table as
// the peer; then the audit writer alone at saturation.
//
//   npm run bench:audit -- [--rows 100000] [--duration 10] [--connections 10] [--rounds 1] [--events 50000]
//
// Uses DATABASE_URL when set (a fresh database on that server), else an embedded PostgreSQL in a
// temporary folder with durable settings (fsync on: every commit waits for the disk).
//
// Besides req/s (which a busy machine distorts), it reports the CPU time each request costs the
// gateway process and PostgreSQL (from /proc; embedded PostgreSQL only), and the req/s those
// would allow on this machine's cores at saturation: a figure that holds under noise.
import autocannon from 'autocannon';
import { getDataSourceToken } from '@nestjs/typeorm';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { EmbeddedPostgres } from '../../dist/libs/database/src/embedded-postgres.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROWS = argument('rows', 100_000);
const DURATION = argument('duration', 10);
const CONNECTIONS = argument('connections', 10);
const ROUNDS = argument('rounds', 1);
const EVENTS = argument('events', 50_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const log = (line) => process.stderr.write(`${line}\n`);

const temp = await mkdtemp(path.join(os.tmpdir(), 'causeway-bench-audit-'));
await chmod(temp, 0o755);
let embedded = null;
let serverUrl = process.env.DATABASE_URL;
const DATABASE_LABEL = serverUrl ? 'at DATABASE_URL' : 'embedded, fsync on';
if (!serverUrl) {
  embedded = await EmbeddedPostgres.open({ dataDir: path.join(temp, 'pg'), database: 'postgres' });
  serverUrl = embedded.url;
}
const database = `causeway_bench_audit_${Date.now().toString(36)}`;
{
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${pg.escapeIdentifier(database)}`);
  await admin.end();
}
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
const children = new Set();
async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  await embedded?.stop();
  await rm(temp, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanup().finally(() => process.exit(130)));

// ---- CPU accounting from /proc (Linux; clock ticks of 1/100 s) ----------------------------------
const TICK = 100;
function cpuSeconds(pid, withChildren = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12] + (withChildren ? fields[13] + fields[14] : 0)) / TICK;
  } catch {
    return 0;
  }
}
const postmasterPid = () => {
  try {
    return Number(readFileSync(path.join(temp, 'pg', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
};
/** CPU seconds of the whole PostgreSQL server: the postmaster, its live backends, and the ones that exited. */
function postgresCpu() {
  const postmaster = postmasterPid();
  if (!postmaster) return null;
  let total = cpuSeconds(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += cpuSeconds(entry);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
const CORES = os.cpus().length;

// ---- the exchange benchmark's dataset: enterprises, a consumer with masks and a row scope -----

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
  { name: 'district', title: '所属区', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
  { name: 'capital', title: '注册资本', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL },
  { name: 'status', title: '登记状态', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
];
const NAMES = FIELDS.map((field) => field.name);
const DISTRICTS = ['440103', '440104', '440105', '440106', '440111', '440112', '440113', '440114', '440115', '440117', '440118', '440183'];

let consumerKey;
let tableName;
{
  const app = await createGateway({ logger: false });
  await app.init();
  const departments = app.get(DepartmentsService, { strict: false });
  const provider = await departments.create(null, { code: 'DG-AMR', name: '市场监管局', divisionCode: '440100' });
  const consumer = await departments.create(null, { code: 'DG-TIANHE', name: '天河区政务服务数据管理局', divisionCode: '440106' });
  consumerKey = (await app.get(SystemClientsService, { strict: false }).create(null, { department: 'DG-TIANHE', name: 'tianhe-system', roles: [Role.CONSUMER] })).key;
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
    code: 'AMR-ENT', apiName: 'enterprises', title: '企业登记信息（基准）', summary: '基准测试数据', category: '基础', updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.CONDITIONAL, sharingCondition: '依法履职', sharingBasis: '基准', openType: OpenType.CLOSED, fields: FIELDS,
  });
  const db = app.get(getDataSourceToken(), { strict: false });
  const q = (name) => pg.escapeIdentifier(name);
  const version = await db.transaction(async (tx) => {
    const begun = await catalogue.beginVersion(tx, steward, 'AMR-ENT');
    tableName = begun.tableName.split('.').map((part) => pg.escapeIdentifier(part)).join('.');
    await tx.query(`create table ${tableName} (_row bigint primary key, ${q('regNo')} text not null, ${q('entName')} text, ${q('legalRep')} text,
      ${q('legalRepIdCard')} text, ${q('district')} text, ${q('capital')} numeric, ${q('status')} text)`);
    await tx.query(`insert into ${tableName}
      select i, 'R' || lpad(i::text, 10, '0'), '广州某某' || (i % 9973) || '贸易有限公司', (array['张','李','王','陈','刘'])[(1 + i % 5)::int] || '伟',
             '4401' || lpad(((i * 7919) % 100000000)::text, 10, '0') || lpad((i % 10000)::text, 4, '0'),
             (array[${DISTRICTS.map((d) => `'${d}'`).join(',')}])[(1 + i % 12)::int], ((i * 37) % 100000000) / 100.0,
             (array['ACTIVE','ACTIVE','ACTIVE','REVOKED','CANCELLED'])[(1 + (i / 12) % 5)::int]
        from generate_series(1, ${ROWS}) as i`);
    await tx.query(`create unique index on ${tableName} (${q('regNo')})`);
    await tx.query(`create index on ${tableName} (${q('district')})`);
    await catalogue.recordVersion(tx, steward, begun.dataset, {
      version: begun.version, tableName: begun.tableName, rowCount: ROWS, checksum: `bench-${ROWS}`, sourceName: 'generate_series', encoding: null, format: 'sql',
      fields: FIELDS.map(({ name, title, type, isKey }) => ({ name, title, type, nullable: !isKey, isKey: Boolean(isKey) })),
    });
    return begun.version;
  });
  await catalogue.publishVersion(steward, 'AMR-ENT', version);
  await db.query(`analyze ${tableName}`);
  await db.query(`comment on table ${tableName} is E'@name enterprises'`);
  const dataset = await app.get(PolicyService, { strict: false }).dataset('AMR-ENT');
  await db.transaction((tx) =>
    app.get(GrantsService, { strict: false }).create(tx, steward, {
      dataset, consumerDepartmentId: consumer.id, accessRequestId: null, fields: NAMES, masked: ['legalRep', 'legalRepIdCard'],
      rowScope: { district: { eq: { $consumer: 'divisionCode' } } }, purpose: 'bench', useScope: null, legalBasis: null, validUntil: null,
      aggregateOnly: false, requirePurpose: false, requireEndUserId: false,
    }),
  );
  await app.close();
}

// ---- servers ---------------------------------------------------------------------------------------

function start(name, script, args, env, readyPattern, nodeOptions = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--min-semi-space-size=16', ...nodeOptions, script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
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
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    child.on('exit', (code) => {
      children.delete(child);
      if (!readyPattern.test(output)) reject(new Error(`${name} exited (${code}): ${output}`));
    });
  });
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const PORT = 3911;
const PAGE = JSON.stringify({ query: `{ records(dataset: "AMR-ENT", fields: ${JSON.stringify(NAMES)}, where: { status: { eq: "ACTIVE" } }, first: 100) { nodes } }` });
const PG_PAGE = JSON.stringify({ query: `{ allEnterprises(condition: { status: "ACTIVE" }, first: 100) { nodes { ${NAMES.join(' ')} } } }` });

function drive(body, headers, duration) {
  return new Promise((resolve, reject) => {
    let errors = 0;
    const instance = autocannon(
      { url: `http://127.0.0.1:${PORT}/graphql`, method: 'POST', connections: CONNECTIONS, duration, headers: { 'content-type': 'application/json', ...headers }, body },
      (error, result) => (error ? reject(error) : resolve({ result, errors })),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode !== 200) errors += 1;
    });
  });
}

const MODES = [
  { name: 'Causeway consumer, auditing off', hook: 'no-audit.mjs' },
  { name: 'Causeway consumer, one INSERT per request', hook: 'single-insert.mjs' },
  { name: 'Causeway consumer, group commit (as shipped)', hook: null },
];

const results = [];
const headCount = async () => {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const { rows } = await client.query('select seq from audit_chain_head');
  await client.end();
  return Number(rows[0].seq);
};

try {
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const mode of MODES) {
      const options = mode.hook ? [`--import=${pathToFileURL(path.join(here, mode.hook)).href}`] : [];
      const child = await start(mode.name, 'dist/apps/gateway/src/main.js', [], { ...gatewayEnv, PORT: String(PORT), HOST: '127.0.0.1' }, /http:\/\/localhost/i, options);
      const headers = { authorization: `Bearer ${consumerKey}`, 'x-purpose': 'bench' };
      const sample = await (await fetch(`http://127.0.0.1:${PORT}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: PAGE })).text();
      if (!/"legalRepIdCard":"4401\*+\d{4}"/.test(sample) || sample.includes('"district":"440103"')) throw new Error(`the consumer query does not mask or scope: ${sample.slice(0, 300)}`);
      await drive(PAGE, headers, 2);
      const before = await headCount();
      const cpu = { gateway: cpuSeconds(child.pid), postgres: postgresCpu() };
      const { result, errors } = await drive(PAGE, headers, DURATION);
      const gatewayMs = ((cpuSeconds(child.pid) - cpu.gateway) * 1000) / result.requests.total;
      const postgresMs = cpu.postgres === null ? null : ((postgresCpu() - cpu.postgres) * 1000) / result.requests.total;
      const events = (await headCount()) - before;
      await stop(child);
      results.push({ name: mode.name, round, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: errors + result.errors + result.timeouts, events, requests: result.requests.total, gatewayMs, postgresMs });
      log(`${mode.name.padEnd(46)} ${result.requests.average.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  CPU/request: gateway ${gatewayMs.toFixed(2)} ms, PostgreSQL ${postgresMs?.toFixed(2) ?? '–'} ms  (${events} events for ${result.requests.total} requests; load ${os.loadavg()[0].toFixed(1)})`);
    }
    const peer = await start('postgraphile', path.join(root, 'bench/exchange/postgraphile-server.mjs'), [], { DATABASE_URL: url.toString(), PORT: String(PORT) }, /ready/);
    await drive(PG_PAGE, {}, 2);
    const cpu = { server: cpuSeconds(peer.pid), postgres: postgresCpu() };
    const { result, errors } = await drive(PG_PAGE, {}, DURATION);
    const gatewayMs = ((cpuSeconds(peer.pid) - cpu.server) * 1000) / result.requests.total;
    const postgresMs = cpu.postgres === null ? null : ((postgresCpu() - cpu.postgres) * 1000) / result.requests.total;
    await stop(peer);
    results.push({ name: 'PostGraphile v4 (no policy, no audit)', round, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: errors + result.errors + result.timeouts, events: null, gatewayMs, postgresMs });
    log(`${'PostGraphile v4 (no policy, no audit)'.padEnd(46)} ${result.requests.average.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  CPU/request: server ${gatewayMs.toFixed(2)} ms, PostgreSQL ${postgresMs?.toFixed(2) ?? '–'} ms`);
  }

  // ---- the writer alone ------------------------------------------------------------------------
  const { AuditWriter, DEFAULT_WRITER_OPTIONS } = await import('../../dist/libs/audit/src/audit.writer.js');
  const { normaliseEvent } = await import('../../dist/libs/audit/src/canonical.js');
  const ctx = {
    requestId: 'bench', clientIp: '10.0.0.1', purpose: 'bench', endUserId: 'clerk', startedAt: Date.now(),
    principal: { kind: 'CLIENT', id: 'c', label: 'client:DG-TIANHE/tianhe-system', departmentId: 'd', departmentCode: 'DG-TIANHE', divisionCode: '440106', roles: ['CONSUMER'] },
  };
  const event = () =>
    normaliseEvent(ctx, {
      action: 'records.query', outcome: 'ALLOWED', dataset: 'AMR-ENT', version: 1, providerDepartment: 'DG-AMR', fieldsRequested: NAMES, fieldsClear: NAMES.slice(0, 5),
      fieldsMasked: NAMES.slice(5), rowsReturned: 100, rowScope: { district: { eq: '440106' } }, grants: [{ id: '7d1f2c4e-0000-4000-8000-000000000001', version: 1 }],
    }, new Date());
  const writer = new AuditWriter({ ...DEFAULT_WRITER_OPTIONS, url: url.toString() });
  await writer.append(event());
  // Saturation: as many events as the queue takes, all at once.
  let started = performance.now();
  const batches = [];
  writer.onCommitted((batch) => batches.push(batch.size));
  await Promise.all(Array.from({ length: Math.min(EVENTS, DEFAULT_WRITER_OPTIONS.maxQueue) }, () => writer.append(event())));
  const saturated = Math.min(EVENTS, DEFAULT_WRITER_OPTIONS.maxQueue) / ((performance.now() - started) / 1000);
  const meanBatch = batches.reduce((sum, size) => sum + size, 0) / Math.max(1, batches.length);
  // What one event costs in CPU with 10 callers (the gateway's concurrency in the runs above).
  const cpuPerEvent = await (async () => {
    let events = 0;
    const node = process.cpuUsage();
    const postgres = postgresCpu();
    const stopAt = performance.now() + 4_000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < stopAt) {
          await writer.append(event());
          events += 1;
        }
      }),
    );
    const used = process.cpuUsage(node);
    return { node: (used.user + used.system) / 1000 / events, postgres: postgres === null ? null : ((postgresCpu() - postgres) * 1000) / events, events: events / 4 };
  })();
  log(`writer alone, ${CONNECTIONS} callers: ${cpuPerEvent.events.toFixed(0)} events/s; CPU per event: Node ${cpuPerEvent.node.toFixed(3)} ms, PostgreSQL ${cpuPerEvent.postgres?.toFixed(3) ?? '–'} ms`);
  // Request-like: 200 callers, each waiting for its event before the next (as requests do).
  const latencies = [];
  let count = 0;
  started = performance.now();
  const until = started + 5_000;
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await writer.append(event());
        latencies.push(performance.now() - t);
        count += 1;
      }
    }),
  );
  const concurrent = count / ((performance.now() - started) / 1000);
  latencies.sort((a, b) => a - b);
  await writer.close();
  log(`writer alone: ${saturated.toFixed(0)} events/s at saturation (mean batch ${meanBatch.toFixed(0)}); ${concurrent.toFixed(0)} events/s with 200 waiting callers, p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)].toFixed(1)} ms`);

  const best = (name) => results.filter((row) => row.name === name).sort((a, b) => b.rps - a.rps)[0];
  // CPU per request of the best (least disturbed) run of each server.
  const cpu = (name) => {
    const row = best(name);
    return { gateway: row.gatewayMs, postgres: row.postgresMs, total: row.gatewayMs + (row.postgresMs ?? 0) };
  };
  const off = best(MODES[0].name);
  const single = best(MODES[1].name);
  const group = best(MODES[2].name);
  const peer = best('PostGraphile v4 (no policy, no audit)');
  const projected = (name) => (CORES * 1000) / cpu(name).total;
  const lines = [
    `Audit benchmark: 100-row consumer page (7 fields, 2 masked, row scope), ${ROWS.toLocaleString('en')} rows, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} round(s); ${CORES} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, PostgreSQL ${DATABASE_LABEL}; load average at the end ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`,
    '',
    '| server (best run) | req/s | p50 ms | p99 ms | vs auditing off | vs PostGraphile | CPU ms/req server | CPU ms/req PostgreSQL | req/s the CPU allows | vs auditing off | non-200 | events written |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...[off, single, group, peer].map((row) => {
      const c = cpu(row.name);
      return `| ${row.name} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${(row.rps / off.rps).toFixed(2)}× | ${(row.rps / peer.rps).toFixed(2)}× | ${c.gateway.toFixed(2)} | ${c.postgres?.toFixed(2) ?? '–'} | ${projected(row.name).toFixed(0)} | ${(projected(row.name) / projected(off.name)).toFixed(2)}× | ${row.errors} | ${row.events ?? '–'} |`;
    }),
    '',
    `Auditing costs ${((1 - group.rps / off.rps) * 100).toFixed(1)} % of measured throughput with group commit (${((1 - single.rps / off.rps) * 100).toFixed(1)} % with one INSERT per request); in CPU per request, ${((cpu(group.name).total / cpu(off.name).total - 1) * 100).toFixed(1)} % (${((cpu(single.name).total / cpu(off.name).total - 1) * 100).toFixed(1)} %).`,
    `The audit writer's own CPU per event with ${CONNECTIONS} callers: Node ${cpuPerEvent.node.toFixed(3)} ms + PostgreSQL ${cpuPerEvent.postgres?.toFixed(3) ?? '–'} ms = ${((cpuPerEvent.node + (cpuPerEvent.postgres ?? 0)) / cpu(off.name).total * 100).toFixed(1)} % of the CPU of one request with auditing off.`,
    `The writer alone: ${saturated.toFixed(0)} events/s at saturation (mean batch ${meanBatch.toFixed(0)} events); ${concurrent.toFixed(0)} events/s with 200 callers each awaiting its commit (p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)].toFixed(1)} ms).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await cleanup();
}

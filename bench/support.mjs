// What the scripts that drive real gateway processes share (the exchange, audit and portal
// benchmarks, and test/crash/audit-crash-test.mjs): a fresh database (embedded PostgreSQL, or the
// server at DATABASE_URL), the enterprise register the exchange and audit benchmarks query (12
// fields, a provider and a consumer whose grant masks three fields and scopes rows to its
// district), server processes, CPU accounting from /proc, and an open-loop load at a fixed rate.
import { getDataSourceToken } from '@nestjs/typeorm';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { EmbeddedPostgres } from '../dist/libs/database/src/embedded-postgres.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const log = (line) => process.stderr.write(`${line}\n`);

/** `--name value` from the command line, or the fallback. */
export const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};

export const DISTRICTS = ['440103', '440104', '440105', '440106', '440111', '440112', '440113', '440114', '440115', '440117', '440118', '440183'];
export const CONSUMER_DISTRICT = '440106';
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'REVOKED', 'CANCELLED'];
export const keyOf = (index) => `R${String(index).padStart(10, '0')}`;
/** Rows with i % 12 == 3 are in the consumer's district. */
export const consumerRow = (block) => block * 12 + 3;

/**
 * A fresh database for one benchmark run: on the server at DATABASE_URL, else on an embedded
 * PostgreSQL in a temporary folder (durable settings, as `npm start` runs it; `fast` turns fsync
 * off). Sets the gateway's environment in this process, for createGateway.
 */
export async function openBenchDatabase(label, { fast = false } = {}) {
  const temp = await mkdtemp(path.join(os.tmpdir(), `causeway-bench-${label}-`));
  await chmod(temp, 0o755);
  let embedded = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await EmbeddedPostgres.open({ dataDir: path.join(temp, 'pg'), database: 'postgres', fast });
    serverUrl = embedded.url;
  }
  const database = `causeway_bench_${label.replace(/\W/g, '_')}_${Date.now().toString(36)}`;
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
  const children = new Set();
  let closed = false;
  const bench = {
    url: url.toString(),
    label: embedded ? `embedded, fsync ${fast ? 'off' : 'on'}` : 'at DATABASE_URL',
    gatewayEnv,
    /** Starts a Node script in its own process; resolves once its output matches `ready`. */
    start(name, script, { args = [], env = {}, ready, nodeOptions = [] }) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--min-semi-space-size=16', ...nodeOptions, script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        children.add(child);
        let output = '';
        const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 60_000);
        const watch = (chunk) => {
          output += chunk.toString();
          if (ready.test(output)) {
            clearTimeout(timer);
            resolve(child);
          }
        };
        child.stdout.on('data', watch);
        child.stderr.on('data', (chunk) => (output += chunk.toString()));
        child.on('exit', (code) => {
          children.delete(child);
          clearTimeout(timer);
          if (!ready.test(output)) reject(new Error(`${name} exited (${code}): ${output}`));
        });
      });
    },
    async stop(child) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    /** CPU seconds of the whole PostgreSQL server (postmaster, live backends, exited ones); null when not embedded. */
    postgresCpu() {
      if (!embedded) return null;
      let postmaster;
      try {
        postmaster = Number(readFileSync(path.join(temp, 'pg', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        return null;
      }
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
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...children].map((child) => bench.stop(child).catch(() => child.kill('SIGKILL'))));
      await embedded?.stop();
      await rm(temp, { recursive: true, force: true });
    },
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => bench.close().finally(() => process.exit(130)));
  return bench;
}

/** User + system CPU seconds of a process (and of its waited-for children), from /proc. */
export function cpuSeconds(pid, withChildren = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const ticks = fields[11] + fields[12] + (withChildren ? fields[13] + fields[14] : 0);
    return ticks / 100;
  } catch {
    return 0;
  }
}

/** A request context for benchmark set-up: a person of the department acting with the given roles. */
export function benchContext(department, roles) {
  return {
    requestId: 'bench',
    principal: { kind: 'USER', id: 'bench', label: 'bench', departmentId: department.id, departmentCode: department.code, divisionCode: department.divisionCode, roles },
    clientIp: null,
    purpose: null,
    endUserId: null,
    startedAt: Date.now(),
  };
}

/**
 * A new version of a dataset, filled by `fill(tx, table)` (the table quoted) with rows the
 * server generates, and built as ingest builds one: its table, primary key and key index come
 * from the catalogue's version-tables module, and it is opened and recorded through
 * CatalogueVersions, then published. `fill` answers what the version records ({ rowCount,
 * checksum, sourceName, format }). Answers the version and its table's name, raw and quoted.
 */
export async function loadGeneratedVersion(app, steward, code, fill) {
  const { CatalogueVersions, createVersionTableSql, quoteVersionTable, versionKeyIndexSql, versionPrimaryKeySql } = await import('../dist/libs/catalogue/src/index.js');
  const versions = app.get(CatalogueVersions, { strict: false });
  let tableName;
  const version = await app.get(getDataSourceToken(), { strict: false }).transaction(async (tx) => {
    const opened = await versions.open(tx, steward, code);
    tableName = opened.tableName;
    await tx.query(createVersionTableSql(tableName, opened.fields));
    const loaded = await fill(tx, quoteVersionTable(tableName));
    await tx.query(versionPrimaryKeySql(tableName));
    const keys = opened.fields.filter((field) => field.isKey);
    if (keys.length > 0) await tx.query(versionKeyIndexSql(tableName, keys));
    await versions.record(tx, opened, { encoding: null, ...loaded });
    return opened.version;
  });
  await versions.publishVersion(steward, code, version);
  return { version, tableName, qualifiedTable: quoteVersionTable(tableName) };
}

/**
 * Registers the enterprise register (AMR-ENT, typed field `enterprises`) with `rows` rows
 * generated by the server, a provider (DG-AMR) and a consumer (DG-TIANHE, district 440106) with
 * one system client each, and the consumer's grant: every field, three masked, rows of its own
 * district. Answers the field names, the keys and the version table's name (raw and quoted).
 */
export async function loadEnterprises(rows) {
  const { createGateway } = await import('../dist/apps/gateway/src/bootstrap.js');
  const { CatalogueRegistry, FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle } = await import('../dist/libs/catalogue/src/index.js');
  const { DepartmentsService, SystemClientsService } = await import('../dist/libs/identity/src/index.js');
  const { GrantsService, PolicyService } = await import('../dist/libs/policy/src/index.js');
  const { Role } = await import('../dist/libs/core/src/index.js');
  const fields = [
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
  const names = fields.map((field) => field.name);

  const app = await createGateway({ logger: false });
  await app.init();
  try {
    const departments = app.get(DepartmentsService, { strict: false });
    const provider = await departments.create(null, { code: 'DG-AMR', name: '市场监管局', divisionCode: '440100' });
    const consumer = await departments.create(null, { code: 'DG-TIANHE', name: '天河区政务服务数据管理局', divisionCode: CONSUMER_DISTRICT });
    const clients = app.get(SystemClientsService, { strict: false });
    const providerKey = (await clients.create(null, { department: 'DG-AMR', name: 'amr-system', roles: [Role.CONSUMER] })).key;
    const consumerKey = (await clients.create(null, { department: 'DG-TIANHE', name: 'tianhe-system', roles: [Role.CONSUMER] })).key;
    const steward = benchContext(provider, [Role.STEWARD]);
    await app.get(CatalogueRegistry, { strict: false }).register(steward, {
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
      fields,
    });
    const db = app.get(getDataSourceToken(), { strict: false });
    const started = Date.now();
    log(`loading ${rows.toLocaleString('en')} rows…`);
    const { tableName, qualifiedTable } = await loadGeneratedVersion(app, steward, 'AMR-ENT', async (tx, table) => {
      // Deterministic pseudo-random rows, generated by the server (COPY from Node would take longer).
      const districts = `(array[${DISTRICTS.map((d) => `'${d}'`).join(',')}])`;
      const statuses = `(array[${STATUSES.map((s) => `'${s}'`).join(',')}])`;
      for (let from = 1; from <= rows; from += 1_000_000) {
        const to = Math.min(rows, from + 999_999);
        await tx.query(`insert into ${table}
          select i, 'R' || lpad(i::text, 10, '0'), '广州某某' || (i % 9973) || '贸易有限公司', (array['张','李','王','陈','刘'])[(1 + i % 5)::int] || (array['伟','芳','娜','敏','静'])[(1 + (i / 5) % 5)::int],
                 '4401' || lpad(((i * 7919) % 100000000)::text, 10, '0') || lpad((i % 10000)::text, 4, '0'), '13' || lpad(((i * 104729) % 1000000000)::text, 9, '0'),
                 ${districts}[(1 + i % 12)::int], 'I' || (i % 20), ((i * 37) % 100000000) / 100.0, (i * 13) % 5000,
                 date '1990-01-01' + (i % 12000)::int, ${statuses}[(1 + (i / 12) % 5)::int],
                 timestamptz '2024-01-01 00:00:00+08' + ((i % 86400) || ' seconds')::interval
            from generate_series(${from}::bigint, ${to}::bigint) as i`);
        log(`  ${to.toLocaleString('en')} rows (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
      // The consumer's row scope is on district: an index the provider would add for it.
      await tx.query(`create index on ${table} (${pg.escapeIdentifier('district')})`);
      return { rowCount: rows, checksum: `bench-${rows}`, sourceName: 'generate_series', format: 'sql' };
    });
    // Ingest loads with COPY FREEZE; frozen here too, so that no autovacuum of the new table runs during the measurements.
    await db.query(`vacuum (freeze, analyze) ${qualifiedTable}`);
    // Write out the gigabytes the load dirtied now, rather than during the measurements (a spread
    // checkpoint of a 12M-row load runs for minutes and slows every commit, the audit's included).
    await db.query('checkpoint').catch((error) => log(`checkpoint after the load not run (${error.message}); measurements may overlap it`));
    // PostGraphile names the table by a smart comment; Causeway ignores it.
    await db.query(`comment on table ${qualifiedTable} is E'@name enterprises'`);
    const dataset = await app.get(PolicyService, { strict: false }).dataset('AMR-ENT');
    await db.transaction((tx) =>
      app.get(GrantsService, { strict: false }).create(tx, steward, {
        dataset,
        consumerDepartmentId: consumer.id,
        accessRequestId: null,
        fields: names,
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
    log(`loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { names, providerKey, consumerKey, tableName, qualifiedTable };
  } finally {
    await app.close();
  }
}

/** A GraphQL POST as autocannon and atRate take it. */
export const graphqlRequest = (key, query, variables = {}) => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}`, 'x-purpose': 'bench' } : {}) },
  body: JSON.stringify({ query, variables }),
});

/**
 * A closed-loop load at saturation: `connections` callers, each sending its next request as soon
 * as the last one answered, for `duration` seconds. Answers req/s, p50 and p99 (ms), the number of
 * requests and of answers that were not 200.
 */
export function saturate(port, request, { connections, duration }) {
  return new Promise((resolve, reject) => {
    let errors = 0;
    const instance = autocannon(
      { url: `http://127.0.0.1:${port}`, connections, duration, requests: [{ setupRequest: (current) => ({ ...current, ...request() }) }] },
      (error, result) =>
        error
          ? reject(error)
          : resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, errors: errors + result.errors + result.timeouts }),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode !== 200) errors += 1;
    });
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/**
 * An open-loop load: one request every 1/rate s, evenly spaced, whether or not earlier ones have
 * answered (as independent callers would), for `duration` seconds. Each latency is measured from
 * the moment the request was due, so a stall counts for every request it held up. (autocannon's
 * fixed rate sends each second's requests in a burst at the start of the second and then waits,
 * which measures queueing behind its own burst.)
 */
export async function atRate(port, request, { rate, duration, warmup = 1 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const send = (spec) =>
    new Promise((resolve) => {
      const body = spec.body ?? null;
      const req = http.request(
        { host: '127.0.0.1', port, method: spec.method, path: spec.path, agent, headers: { ...spec.headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', () => resolve(0));
      if (body) req.write(body);
      req.end();
    });
  const run = async (seconds, record) => {
    const total = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const start = performance.now();
    const pending = [];
    const latencies = [];
    let failures = 0;
    for (let index = 0; index < total; index += 1) {
      const due = start + index * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
      while (performance.now() < due) await new Promise((resolve) => setImmediate(resolve));
      pending.push(
        send(request()).then((status) => {
          if (status !== 200) failures += 1;
          if (record) latencies.push(performance.now() - due);
        }),
      );
    }
    await Promise.all(pending);
    return { latencies, failures };
  };
  await run(warmup, false);
  const { latencies, failures } = await run(duration, true);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    failures,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    p999: percentile(latencies, 0.999),
    max: latencies.at(-1),
  };
}

// The console's audit search on a large trail (issue 13's budget: a 1M-event table with a
// time-range filter answers in < 300 ms p95). Loads the events with one INSERT … SELECT from
// generate_series (seconds, not the hours the chained writer would take for a million events),
// then sends the auditEvents query exactly as the console's audit page does (first page of 50,
// totalCount included) for several filter combinations, one request at a time, and runs the
// same two SQL statements the service runs (count, then the page) directly, side by side.
//
//   npm run bench:audit-search -- [--events 1000000] [--days 90] [--requests 40] [--explain] [--hold]
//
// --explain prints each combination's query plans (EXPLAIN ANALYZE); --hold keeps the database
// running afterwards (its URL printed) for trying plans by hand, until Ctrl-C.
//
// The generated events are not a valid hash chain (their hashes are random): the search does not
// read the chain, so this does not change what is measured, but the console's chain status and
// `causeway audit:verify` would report the trail broken. Uses DATABASE_URL when set, else an
// embedded PostgreSQL with fsync off (the benchmark reads; durability does not enter into it).
import { createHash } from 'node:crypto';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { argument as option, log, openBenchDatabase } from './support.mjs';

const argument = (name, fallback) => Number(option(name, fallback));
const EVENTS = argument('events', 1_000_000);
const DAYS = argument('days', 90);
const REQUESTS = argument('requests', 40);
const WARMUP = 3;
const EXPLAIN = process.argv.includes('--explain');
const HOLD = process.argv.includes('--hold');
const PASSWORD = 'correct horse battery staple';
const AUDITOR = 'auditor@bench.test';

// What the console's audit page sends (apps/console/src/operations.ts, AUDIT_EVENTS).
const AUDIT_EVENTS = `
  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { endCursor hasNextPage }
      nodes {
        seq at action outcome principal principalKind departmentCode providerDepartmentCode dataset version purpose reason
        requestId clientIp endUserId target rowsReturned durationMs rowScope detail grantIds
        fieldsRequested fieldsClear fieldsMasked fieldsRefused hash prevHash
      }
    }
  }`;

const bench = await openBenchDatabase('audit-search', { fast: true });
// A failure anywhere must not leave the embedded server running.
process.on('uncaughtException', (error) => {
  console.error(error);
  bench.close().finally(() => process.exit(1));
});
process.on('unhandledRejection', (error) => {
  console.error(error);
  bench.close().finally(() => process.exit(1));
});
const { EVENT_COLUMNS } = await import('../dist/libs/audit/src/chain-store.js');
const { escapeLikeWildcards, Role } = await import('../dist/libs/core/src/index.js');

// ---- the gateway's schema, an auditor, a million events -----------------------------------------

{
  const { createGateway } = await import('../dist/apps/gateway/src/bootstrap.js');
  const { DepartmentsService, UsersService } = await import('../dist/libs/identity/src/index.js');
  const app = await createGateway({ logger: false });
  await app.init();
  try {
    await app.get(DepartmentsService, { strict: false }).create(null, { code: 'GZ-DATA', name: '广州市政务服务和数据管理局', divisionCode: '440100' });
    await app.get(UsersService, { strict: false }).create(null, { department: 'GZ-DATA', email: AUDITOR, displayName: '审计员', roles: [Role.AUDITOR], password: PASSWORD });
  } finally {
    await app.close();
  }
}

const db = new pg.Client({ connectionString: bench.url });
await db.connect();
const end = new Date(Date.now() - 60_000);
const start = new Date(end.getTime() - DAYS * 86_400_000);
{
  const started = Date.now();
  log(`loading ${EVENTS.toLocaleString('en')} events over ${DAYS} days…`);
  await db.query(`select audit_ensure_partition(month) from generate_series($1::timestamptz, $2::timestamptz + interval '1 month', interval '1 month') as month`, [start, end]);
  const [{ seq: head }] = (await db.query('select seq from audit_chain_head')).rows;
  const first = Number(head) + 1;
  // 40 consumer departments, 12 providers, 200 datasets (each with its provider), 120 systems;
  // mostly allowed record reads; one purpose in ten missing, the rest from 500 case numbers.
  await db.query(
    `insert into audit_event (seq, at, action, outcome, principal, principal_id, principal_kind, department, provider_department, client_ip,
                              request_id, end_user_id, purpose, dataset, version, target, fields_requested, fields_clear, fields_masked, fields_refused,
                              rows_returned, row_scope, grant_ids, grant_versions, reason, detail, duration_ms, prev_hash, hash)
     select $1::bigint + i, $2::timestamptz + (i * ($3::timestamptz - $2::timestamptz)) / $4::bigint,
            case when i % 100 < 80 then 'records.query' when i % 100 < 88 then 'aggregate' when i % 100 < 93 then 'records.export'
                 when i % 100 < 96 then 'auth.login' when i % 100 < 98 then 'audit.events' when i % 200 = 198 then 'access.request' else 'grant.revoke' end,
            case when i % 100 = 7 or i % 100 = 31 or i % 100 = 55 or i % 100 = 83 then 'DENIED' when i % 100 = 61 then 'ERROR' else 'ALLOWED' end,
            'client:DG-C' || lpad((i % 40)::text, 2, '0') || '/system-' || (i % 3), 'c' || (i % 120), 'CLIENT',
            'DG-C' || lpad((i % 40)::text, 2, '0'), 'DG-P' || lpad(((i / 7) % 12)::text, 2, '0'), '10.0.' || (i % 40) || '.' || (i % 250),
            md5(i::text), null,
            case when i % 10 = 0 then null else '（2026）穗市监核字第' || lpad(((i / 3) % 500)::text, 4, '0') || '号 企业登记信息核查' end,
            'DS-' || lpad((((i / 7) % 12) + 12 * ((i / 84) % 17))::text, 3, '0'), 1, null,
            array['regNo', 'entName', 'legalRep'], array['regNo', 'entName'], array['legalRep'], array[]::text[],
            (i % 100)::bigint, null, array[]::text[], array[]::integer[], null, null, (i % 40)::int,
            md5((i - 1)::text) || md5((i - 1)::text), md5(i::text) || md5(i::text)
       from generate_series(0, $4::bigint - 1) as i`,
    [first, start, end, EVENTS],
  );
  const last = first + EVENTS - 1;
  const lastHash = createHash('md5').update(String(EVENTS - 1)).digest('hex').repeat(2);
  await db.query('update audit_chain_head set seq = $1, hash = $2 where id = 1', [last, lastHash]);
  log(`inserted in ${((Date.now() - started) / 1000).toFixed(1)} s; vacuum (analyze)…`);
  // Autovacuum does this on its own for an append-only table (insert thresholds); done now so that
  // the measurements do not overlap it.
  await db.query('vacuum (analyze) audit_event');
  await db.query('checkpoint');
  log(`loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// ---- the searches --------------------------------------------------------------------------------

const hoursAgo = (hours) => new Date(end.getTime() - hours * 3_600_000).toISOString();
const DAY = 24;
const SEARCHES = [
  ['last 24 h', { from: hoursAgo(DAY) }],
  ['last 7 days', { from: hoursAgo(7 * DAY) }],
  ['last 30 days', { from: hoursAgo(30 * DAY) }],
  ['a past week (60-53 days ago)', { from: hoursAgo(60 * DAY), to: hoursAgo(53 * DAY) }],
  ['30 days + department', { from: hoursAgo(30 * DAY), department: 'DG-C07' }],
  ['30 days + provider department', { from: hoursAgo(30 * DAY), department: 'DG-P03' }],
  ['30 days + dataset', { from: hoursAgo(30 * DAY), dataset: 'DS-041' }],
  ['30 days + action records.query', { from: hoursAgo(30 * DAY), action: 'records.query' }],
  ['30 days + action grant.revoke (rare)', { from: hoursAgo(30 * DAY), action: 'grant.revoke' }],
  ['30 days + action access.* (prefix)', { from: hoursAgo(30 * DAY), action: 'access.*' }],
  ['30 days + outcome DENIED', { from: hoursAgo(30 * DAY), outcome: 'DENIED' }],
  ['30 days + principal', { from: hoursAgo(30 * DAY), principal: 'client:DG-C12/system-0' }],
  ['30 days + purpose (case number)', { from: hoursAgo(30 * DAY), purpose: '第0123号' }],
  ['30 days + purpose, no match', { from: hoursAgo(30 * DAY), purpose: '无此事由' }],
  ['a past week + department + DENIED', { from: hoursAgo(60 * DAY), to: hoursAgo(53 * DAY), department: 'DG-C07', outcome: 'DENIED' }],
  ['7 days + dataset + purpose', { from: hoursAgo(7 * DAY), dataset: 'DS-041', purpose: '企业登记' }],
  [`all ${DAYS} days + outcome ERROR`, { from: start.toISOString(), outcome: 'ERROR' }],
];

/** The statements AuditQueryService.events runs for a city auditor (libs/audit/src/audit-query.service.ts, where()). */
function statements(filter) {
  const clauses = [];
  const params = [];
  const param = (value) => (params.push(value), `$${params.length}`);
  if (filter.from) clauses.push(`at >= ${param(filter.from)}`);
  if (filter.to) clauses.push(`at < ${param(filter.to)}`);
  let sides = null;
  if (filter.department) {
    const department = param(filter.department);
    sides = { caller: `department = ${department}`, provider: `provider_department = ${department}` };
  }
  if (filter.dataset) clauses.push(`dataset = ${param(filter.dataset)}`);
  if (filter.principal) clauses.push(`principal = ${param(filter.principal)}`);
  if (filter.action) clauses.push(filter.action.endsWith('*') ? `action like ${param(`${escapeLikeWildcards(filter.action.slice(0, -1))}%`)}` : `action = ${param(filter.action)}`);
  if (filter.outcome) clauses.push(`outcome = ${param(filter.outcome)}`);
  if (filter.purpose) clauses.push(`purpose ilike ${param(`%${escapeLikeWildcards(filter.purpose)}%`)}`);
  const whereWith = (extra) => {
    const all = extra ? [...clauses, extra] : clauses;
    return all.length ? `where ${all.join(' and ')}` : '';
  };
  const where = whereWith(sides && `(${sides.caller} or ${sides.provider})`);
  const count = sides
    ? `select ((select count(*) from audit_event ${whereWith(sides.caller)}) + (select count(*) from audit_event ${whereWith(`${sides.provider} and (${sides.caller}) is not true`)}))::int as count`
    : `select count(*)::int as count from audit_event ${where}`;
  return {
    count: [count, [...params]],
    page: [`select ${EVENT_COLUMNS} from audit_event ${where} order by seq desc, hash limit ${param(51)}`, params],
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
};

const PORT = 3913;
const gateway = await bench.start('gateway', 'dist/apps/gateway/src/main.js', { env: { ...bench.gatewayEnv, PORT: String(PORT), HOST: '127.0.0.1' }, ready: /http:\/\/localhost/i });
const post = async (body, token) => {
  const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return response.json();
};
const login = await post({ query: 'mutation($input: LoginInput!) { login(input: $input) { token } }', variables: { input: { email: AUDITOR, password: PASSWORD } } });
const token = login.data?.login.token;
if (!token) throw new Error(`the auditor could not sign in: ${JSON.stringify(login)}`);

const results = [];
try {
  for (const [name, filter] of SEARCHES) {
    const { count, page } = statements(filter);
    let matches = null;
    const api = [];
    const sql = [];
    for (let index = 0; index < WARMUP + REQUESTS; index += 1) {
      let begun = performance.now();
      const answer = await post({ query: AUDIT_EVENTS, variables: { filter, first: 50, after: null } }, token);
      const apiMs = performance.now() - begun;
      if (answer.errors) throw new Error(`${name}: ${JSON.stringify(answer.errors)}`);
      matches = answer.data.auditEvents.totalCount;
      begun = performance.now();
      const [{ count: counted }] = (await db.query(...count)).rows;
      await db.query(...page);
      const sqlMs = performance.now() - begun;
      // The SQL runs after the API answered, so it may see the auditor's own audit.events events on top.
      if (counted < matches || counted > matches + index + 1) throw new Error(`${name}: the API counted ${matches}, the bare SQL ${counted}`);
      if (index >= WARMUP) {
        api.push(apiMs);
        sql.push(sqlMs);
      }
    }
    results.push({ name, matches, api: summary(api), sql: summary(sql) });
    log(`${name}: ${matches} events, API p95 ${summary(api).p95.toFixed(1)} ms`);
    if (EXPLAIN) {
      for (const [label, [text, params]] of Object.entries({ count, page })) {
        const plan = (await db.query(`explain (analyze, buffers, costs off, summary off) ${text}`, params)).rows.map((row) => row['QUERY PLAN']);
        console.log(`\n-- ${name}: ${label}\n${plan.join('\n')}`);
      }
    }
  }

  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model;
  console.log(`\naudit search, ${EVENTS.toLocaleString('en')} events over ${DAYS} days (${bench.label}); ${REQUESTS} requests per search, one at a time`);
  console.log(`${os.cpus().length} × ${cpu}; load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}\n`);
  const ms = (value) => value.toFixed(1).padStart(8);
  console.log(`${'search'.padEnd(38)} ${'matches'.padStart(8)} ${'API p50'.padStart(8)} ${'API p95'.padStart(8)} ${'SQL p50'.padStart(8)} ${'SQL p95'.padStart(8)}`);
  for (const { name, matches, api, sql } of results) console.log(`${name.padEnd(38)} ${String(matches).padStart(8)} ${ms(api.p50)} ${ms(api.p95)} ${ms(sql.p50)} ${ms(sql.p95)}`);
  const worst = Math.max(...results.map((result) => result.api.p95));
  console.log(`\nslowest API p95: ${worst.toFixed(1)} ms (budget 300 ms)`);
  process.exitCode = worst <= 300 ? 0 : 1;
  if (HOLD) {
    log(`holding the database open at ${bench.url} (Ctrl-C ends)`);
    await new Promise(() => undefined);
  }
} finally {
  await db.end();
  await bench.stop(gateway);
  await bench.close();
}

// The exchange under load, next to two references on the same table and queries:
//   - bare: a minimal Node http server running the SQL with bare pg and writing JSON (the ceiling
//     for any Node gateway on this machine);
//   - PostGraphile v4 (the peer a user would otherwise pick; it enforces no policy, audits nothing).
// Scenarios: a point lookup by key, a page of 100 rows with a filter, an aggregate; each as the
// provider (everything clear) and as a consumer (masks and a row scope, audited).
//
//   npm run bench:exchange -- [--rows 1000000] [--big] [--duration 10] [--connections 10] [--rate 200] [--only <text>] [--diagnose]
//
// --big loads 12,000,000 rows; --only runs the scenarios whose name or server contains the text.
// --diagnose runs each Causeway scenario once more at saturation under V8's CPU and sampling heap
// profilers and prints the gateway's CPU and allocation per request, by component and function.
// GATEWAY_NODE_OPTIONS is passed to the gateway's process only (e.g. --import a profiler hook).
// Uses DATABASE_URL when set (a fresh database on that server), else an embedded PostgreSQL in a
// temporary folder (durable settings, as `npm start` runs it).
// Prints req/s, p50 and p99 per scenario and server, the ratios, and the point lookup's latency
// at a fixed rate (--rate, default 200 req/s), evenly spaced, for each server.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { diagnose } from './diagnose.mjs';
import { argument, atRate, consumerRow, graphqlRequest as gql, keyOf, loadEnterprises, log, openBenchDatabase, saturate, CONSUMER_DISTRICT } from '../support.mjs';

const ROWS = process.argv.includes('--big') ? 12_000_000 : Number(argument('rows', 1_000_000));
const DURATION = Number(argument('duration', 10));
const CONNECTIONS = Number(argument('connections', 10));
const RATE = Number(argument('rate', 200));
const ONLY = argument('only', '');
const here = path.dirname(fileURLToPath(import.meta.url));
const DIAGNOSE = process.argv.includes('--diagnose');
const diagnoseDir = DIAGNOSE ? await mkdtemp(path.join(os.tmpdir(), 'causeway-diagnose-')) : null;

// --fast: no fsync (as the tests run it), to tell commit latency from CPU cost.
const bench = await openBenchDatabase('exchange', { fast: process.argv.includes('--fast') });
const { names: NAMES, providerKey, consumerKey, qualifiedTable } = await loadEnterprises(ROWS);

// ---- the three servers, each in its own process ----------------------------------------------------

const PORTS = { gateway: 3901, bare: 3902, postgraphile: 3903 };
const ready = /ready|http:\/\/localhost/i;
const gateway = await bench.start('gateway', 'dist/apps/gateway/src/main.js', {
  env: { ...bench.gatewayEnv, PORT: String(PORTS.gateway), HOST: '127.0.0.1', NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS ?? '', DIAGNOSE_DIR: diagnoseDir ?? '' },
  nodeOptions: DIAGNOSE ? ['--import', path.join(here, 'diagnostics-hook.mjs')] : [],
  ready,
});
await bench.start('bare', path.join(here, 'bare-server.mjs'), { env: { DATABASE_URL: bench.url, PORT: String(PORTS.bare), TABLE: qualifiedTable }, ready });
await bench.start('postgraphile', path.join(here, 'postgraphile-server.mjs'), { env: { DATABASE_URL: bench.url, PORT: String(PORTS.postgraphile) }, ready });

// ---- scenarios -------------------------------------------------------------------------------------

const randomKey = (scoped) => {
  // Keys of rows in the consumer's district when scoped (i % 12 == 3 is 440106), so that lookups find rows.
  const block = Math.floor(Math.random() * Math.floor(ROWS / 12));
  const index = scoped ? consumerRow(block) : 1 + Math.floor(Math.random() * ROWS);
  return keyOf(Math.max(1, Math.min(ROWS, index)));
};

const FIELD_LIST = NAMES.join(' ');
const LOOKUP = `query($k: String!) { records(dataset: "AMR-ENT", fields: ${JSON.stringify(NAMES)}, where: { regNo: { eq: $k } }, first: 1) { nodes } }`;
const PAGE = `{ records(dataset: "AMR-ENT", fields: ${JSON.stringify(NAMES)}, where: { status: { eq: "ACTIVE" } }, first: 100) { nodes } }`;
const TYPED_PAGE = `{ enterprises(where: { status: { eq: "ACTIVE" } }, first: 100) { nodes { ${FIELD_LIST} } } }`;
const AGGREGATE = `{ aggregate(dataset: "AMR-ENT", groupBy: ["industry"], metrics: [{ fn: COUNT }, { fn: AVG, field: "capital" }], where: { district: { eq: "${CONSUMER_DISTRICT}" } }) { groups { key count metrics { value } } } }`;
const PG_LOOKUP = `query($k: String!) { allEnterprises(condition: { regNo: $k }, first: 1) { nodes { ${FIELD_LIST} } } }`;
const PG_PAGE = `{ allEnterprises(condition: { status: "ACTIVE" }, first: 100) { nodes { ${FIELD_LIST} } } }`;

const scenarios = [
  { scenario: 'point lookup', server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: `/lookup?key=${randomKey(false)}` }) },
  { scenario: 'point lookup', server: 'PostGraphile v4', port: PORTS.postgraphile, request: () => (gql(null, PG_LOOKUP, { k: randomKey(false) })) },
  { scenario: 'point lookup', server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, LOOKUP, { k: randomKey(false) }) },
  { scenario: 'point lookup', server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, LOOKUP, { k: randomKey(true) }) },
  { scenario: '100-row page, filtered', server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: '/page' }) },
  { scenario: '100-row page, filtered', server: 'PostGraphile v4', port: PORTS.postgraphile, request: () => (gql(null, PG_PAGE)) },
  { scenario: '100-row page, filtered', server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, PAGE, {}) },
  { scenario: '100-row page, filtered', server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, PAGE, {}) },
  { scenario: '100-row page, filtered', server: 'Causeway consumer (typed)', port: PORTS.gateway, request: () => gql(consumerKey, TYPED_PAGE, {}) },
  { scenario: 'aggregate', server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: '/aggregate' }) },
  { scenario: 'aggregate', server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, AGGREGATE, {}) },
  { scenario: 'aggregate', server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, AGGREGATE, {}) },
];

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
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  const table = qualifiedTable;
  const columns = NAMES.map((name, index) => `t.${pg.escapeIdentifier(name)} as c${index}`).join(', ');
  for (const [label, sql, values] of [
    ['consumer page', `select t._row as _r, ${columns} from ${table} t where t."district" = $1::text and t."status" = $2::text order by t._row asc limit $3::int`, [CONSUMER_DISTRICT, 'ACTIVE', 101]],
    ['consumer lookup', `select t._row as _r, ${columns} from ${table} t where t."district" = $1::text and t."regNo" = $2::text order by t._row asc limit $3::int`, [CONSUMER_DISTRICT, keyOf(consumerRow(1)), 2]],
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
    await saturate(item.port, item.request, { connections: CONNECTIONS, duration: 2 });
    const result = await saturate(item.port, item.request, { connections: CONNECTIONS, duration: DURATION });
    results.push({ ...item, ...result });
    log(`${item.scenario.padEnd(24)} ${item.server.padEnd(28)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms`);
  }
  if (DIAGNOSE) {
    for (const item of scenarios.filter((candidate) => candidate.port === PORTS.gateway && `${candidate.scenario} ${candidate.server}`.includes(ONLY))) {
      await rm(path.join(diagnoseDir, 'done.json'), { force: true });
      gateway.kill('SIGWINCH');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const result = await saturate(item.port, item.request, { connections: CONNECTIONS, duration: DURATION });
      gateway.kill('SIGWINCH');
      for (let waited = 0; !(await stat(path.join(diagnoseDir, 'done.json')).catch(() => null)); waited += 100) {
        if (waited > 60_000) throw new Error('the gateway wrote no diagnostics');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      process.stdout.write(`\n## ${item.scenario}, ${item.server}, under the profilers (${result.rps.toFixed(0)} req/s while profiled)\n\n${(await diagnose(diagnoseDir, result.total)).join('\n')}\n`);
    }
  }
  // Latency at a fixed, evenly spaced rate, each server in turn (open loop; see atRate).
  const lookups = [
    { server: 'bare', port: PORTS.bare, request: () => ({ method: 'GET', path: `/lookup?key=${randomKey(false)}` }) },
    { server: 'PostGraphile v4', port: PORTS.postgraphile, request: () => gql(null, PG_LOOKUP, { k: randomKey(false) }) },
    { server: 'Causeway provider', port: PORTS.gateway, request: () => gql(providerKey, LOOKUP, { k: randomKey(false) }) },
    { server: 'Causeway consumer', port: PORTS.gateway, request: () => gql(consumerKey, LOOKUP, { k: randomKey(true) }) },
  ].filter((item) => `point lookup ${item.server}`.includes(ONLY));
  const paced = [];
  for (const item of lookups) {
    const latency = await atRate(item.port, item.request, { rate: RATE, duration: DURATION });
    paced.push({ ...item, ...latency });
    log(`point lookup at ${RATE} req/s ${item.server.padEnd(20)} p50 ${latency.p50.toFixed(1)} ms  p99 ${latency.p99.toFixed(1)} ms  max ${latency.max.toFixed(1)} ms`);
  }

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
    `Point lookup at a fixed ${RATE} req/s, evenly spaced (open loop, latency from the moment each request was due), ${DURATION} s:`,
    '',
    '| server | requests | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | p99 vs PostGraphile | p99.9 vs PostGraphile | non-200 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...paced.map((row) => {
      // Tail ratios (issue 17's targets: p99 ≤ 1.5×, p99.9 ≤ 3× PostGraphile's in the same run).
      const peer = paced.find((other) => other.server === 'PostGraphile v4');
      const tail = (key) => (peer ? `${(row[key] / peer[key]).toFixed(2)}×` : '–');
      return `| ${row.server} | ${row.count} | ${row.p50.toFixed(1)} | ${row.p90.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.p999.toFixed(1)} | ${row.max.toFixed(1)} | ${tail('p99')} | ${tail('p999')} | ${row.failures} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await bench.close();
  if (diagnoseDir) await rm(diagnoseDir, { recursive: true, force: true });
}

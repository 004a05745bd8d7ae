// What auditing costs: the exchange benchmark's 100-row consumer query (masks and a row scope,
// one audit event per request) against the same gateway with auditing off, with one INSERT
// transaction per request, and with the group-commit writer; PostGraphile v4 on the same table as
// the peer; then the three auditing modes again, interleaved in one process under one continuous
// load (the figure that a drifting machine distorts least); then the audit writer alone.
//
//   npm run bench:audit -- [--rows 100000] [--duration 10] [--warmup 5] [--connections 10] [--rounds 1]
//                          [--windows 30] [--window 2] [--events 50000]
//
// Uses DATABASE_URL when set (a fresh database on that server), else an embedded PostgreSQL in a
// temporary folder with durable settings (fsync on: every commit waits for the disk).
//
// Besides req/s (which a busy machine distorts), it reports the CPU time each request costs the
// gateway process and PostgreSQL (from /proc; embedded PostgreSQL only), and the req/s those
// would allow on this machine's cores at saturation: a figure that holds under noise.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { argument as option, cpuSeconds, graphqlRequest, loadEnterprises, log, openBenchDatabase, root, saturate } from '../support.mjs';

const argument = (name, fallback) => Number(option(name, fallback));
const ROWS = argument('rows', 100_000);
const DURATION = argument('duration', 10);
// Each server is measured fresh; a few seconds of load first, so that the JIT has compiled its hot paths.
const WARMUP = argument('warmup', 5);
const CONNECTIONS = argument('connections', 10);
const ROUNDS = argument('rounds', 1);
const EVENTS = argument('events', 50_000);
// The interleaved run: this many windows of this many seconds, cycling auditing off / as shipped / one INSERT per request.
const WINDOWS = argument('windows', 30);
const WINDOW = argument('window', 2);
const here = path.dirname(fileURLToPath(import.meta.url));
const CORES = os.cpus().length;

const bench = await openBenchDatabase('audit');
// The exchange benchmark's dataset: the enterprise register, a consumer with three masked fields and a row scope.
const { names: NAMES, consumerKey } = await loadEnterprises(ROWS);

// ---- servers ---------------------------------------------------------------------------------------

const PORT = 3911;
const PAGE = graphqlRequest(consumerKey, `{ records(dataset: "AMR-ENT", fields: ${JSON.stringify(NAMES)}, where: { status: { eq: "ACTIVE" } }, first: 100) { nodes } }`);
const PG_PAGE = graphqlRequest(null, `{ allEnterprises(condition: { status: "ACTIVE" }, first: 100) { nodes { ${NAMES.join(' ')} } } }`);
const load = { connections: CONNECTIONS, duration: DURATION };
const warmUp = { connections: CONNECTIONS, duration: WARMUP };

const MODES = [
  { name: 'Causeway consumer, auditing off', hook: 'no-audit.mjs' },
  { name: 'Causeway consumer, one INSERT per request', hook: 'single-insert.mjs' },
  { name: 'Causeway consumer, group commit (as shipped)', hook: null },
];

const results = [];
const headCount = async () => {
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  const { rows } = await client.query('select seq from audit_chain_head');
  await client.end();
  return Number(rows[0].seq);
};

try {
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const mode of MODES) {
      const options = mode.hook ? [`--import=${pathToFileURL(path.join(here, mode.hook)).href}`] : [];
      const child = await bench.start(mode.name, 'dist/apps/gateway/src/main.js', { env: { ...bench.gatewayEnv, PORT: String(PORT), HOST: '127.0.0.1' }, ready: /http:\/\/localhost/i, nodeOptions: options });
      const sample = await (await fetch(`http://127.0.0.1:${PORT}/graphql`, { method: 'POST', headers: PAGE.headers, body: PAGE.body })).text();
      if (!/"legalRepIdCard":"4401\*+\d{4}"/.test(sample) || sample.includes('"district":"440103"')) throw new Error(`the consumer query does not mask or scope: ${sample.slice(0, 300)}`);
      await saturate(PORT, () => PAGE, warmUp);
      const before = await headCount();
      const cpu = { gateway: cpuSeconds(child.pid), postgres: bench.postgresCpu() };
      const result = await saturate(PORT, () => PAGE, load);
      const gatewayMs = ((cpuSeconds(child.pid) - cpu.gateway) * 1000) / result.total;
      const postgresMs = cpu.postgres === null ? null : ((bench.postgresCpu() - cpu.postgres) * 1000) / result.total;
      const events = (await headCount()) - before;
      await bench.stop(child);
      results.push({ name: mode.name, round, ...result, events, gatewayMs, postgresMs });
      log(`${mode.name.padEnd(46)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  CPU/request: gateway ${gatewayMs.toFixed(2)} ms, PostgreSQL ${postgresMs?.toFixed(2) ?? '–'} ms  (${events} events for ${result.total} requests; load ${os.loadavg()[0].toFixed(1)})`);
    }
    const peer = await bench.start('postgraphile', path.join(root, 'bench/exchange/postgraphile-server.mjs'), { env: { DATABASE_URL: bench.url, PORT: String(PORT) }, ready: /ready/ });
    await saturate(PORT, () => PG_PAGE, warmUp);
    const cpu = { server: cpuSeconds(peer.pid), postgres: bench.postgresCpu() };
    const result = await saturate(PORT, () => PG_PAGE, load);
    const gatewayMs = ((cpuSeconds(peer.pid) - cpu.server) * 1000) / result.total;
    const postgresMs = cpu.postgres === null ? null : ((bench.postgresCpu() - cpu.postgres) * 1000) / result.total;
    await bench.stop(peer);
    results.push({ name: 'PostGraphile v4 (no policy, no audit)', round, ...result, events: null, gatewayMs, postgresMs });
    log(`${'PostGraphile v4 (no policy, no audit)'.padEnd(46)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  CPU/request: server ${gatewayMs.toFixed(2)} ms, PostgreSQL ${postgresMs?.toFixed(2) ?? '–'} ms`);
  }

  // ---- the three modes interleaved in one process -----------------------------------------------
  // Runs minutes apart see a shared machine at different speeds (±10 % between rounds, even when
  // quiet); alternating the modes every few seconds under one continuous load lets the drift fall
  // on all three alike. Answers in the first moments after a switch (requests begun in the old
  // mode) are not counted.
  const interleaved = await (async () => {
    const SWITCH_PORT = PORT + 1;
    const SETTLE_MS = 150;
    const MODE_NAMES = { off: 'auditing off', group: 'group commit (as shipped)', single: 'one INSERT per request' };
    const child = await bench.start('Causeway consumer, auditing switched at run time', 'dist/apps/gateway/src/main.js', {
      env: { ...bench.gatewayEnv, PORT: String(PORT), HOST: '127.0.0.1', AUDIT_SWITCH_PORT: String(SWITCH_PORT) },
      ready: /http:\/\/localhost/i,
      nodeOptions: [`--import=${pathToFileURL(path.join(here, 'switch.mjs')).href}`],
    });
    await saturate(PORT, () => PAGE, warmUp);
    const tally = Object.fromEntries(Object.keys(MODE_NAMES).map((mode) => [mode, { counted: 0, all: 0, seconds: 0, latencies: [], gateway: 0, postgres: 0, batches: 0, events: 0, commitSeconds: 0 }]));
    const writerMetrics = async () => {
      const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
      const value = (name) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
      return { events: value('causeway_audit_batch_size_sum'), batches: value('causeway_audit_batch_size_count'), commitSeconds: value('causeway_audit_commit_seconds_sum') };
    };
    const snapshot = async () => ({ gateway: cpuSeconds(child.pid), postgres: bench.postgresCpu() ?? 0, ...(await writerMetrics()) });
    let mode = 'off';
    let switchedAt = performance.now();
    const load = autocannon({ url: `http://127.0.0.1:${PORT}`, connections: CONNECTIONS, duration: WINDOWS * WINDOW + 5, requests: [{ setupRequest: (current) => ({ ...current, ...PAGE }) }] });
    const finished = new Promise((resolve) => load.once('done', resolve));
    let errors = 0;
    load.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (mode === 'done') return;
      if (statusCode !== 200) errors += 1;
      const entry = tally[mode];
      entry.all += 1;
      if (performance.now() - switchedAt < SETTLE_MS) return;
      entry.counted += 1;
      entry.latencies.push(responseTime);
    });
    const cycle = ['off', 'group', 'single'];
    let before = await snapshot();
    // Credits the window that just ended to its mode.
    const closeWindow = (now) => {
      const entry = tally[mode];
      for (const key of ['gateway', 'postgres', 'batches', 'events', 'commitSeconds']) entry[key] += now[key] - before[key];
      entry.seconds += (performance.now() - switchedAt - SETTLE_MS) / 1000;
    };
    for (let window = 0; window < WINDOWS; window += 1) {
      const next = cycle[window % cycle.length];
      await (await fetch(`http://127.0.0.1:${SWITCH_PORT}/${next}`)).text();
      const now = await snapshot();
      if (window > 0) closeWindow(now);
      before = now;
      mode = next;
      switchedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, WINDOW * 1000));
    }
    closeWindow(await snapshot());
    mode = 'done';
    load.stop();
    await finished;
    await bench.stop(child);
    const rows = Object.entries(MODE_NAMES).map(([key, name]) => {
      const item = tally[key];
      item.latencies.sort((a, b) => a - b);
      return {
        key,
        name,
        rps: item.counted / item.seconds,
        p50: Math.round(item.latencies[Math.floor(item.latencies.length / 2)]),
        p99: Math.round(item.latencies[Math.floor(item.latencies.length * 0.99)]),
        gatewayMs: (item.gateway * 1000) / item.all,
        postgresMs: (item.postgres * 1000) / item.all,
        // (With auditing off, the commits counted are the last ones of the mode before.)
        meanBatch: key !== 'off' && item.batches > 0 ? item.events / item.batches : null,
        commitMs: key !== 'off' && item.batches > 0 ? (item.commitSeconds * 1000) / item.batches : null,
      };
    });
    for (const row of rows) {
      log(`interleaved, ${row.name.padEnd(28)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  CPU/request: gateway ${row.gatewayMs.toFixed(2)} ms, PostgreSQL ${row.postgresMs.toFixed(2)} ms${row.meanBatch === null ? '' : `  (batches of ${row.meanBatch.toFixed(1)}, ${row.commitMs.toFixed(1)} ms each)`}`);
    }
    return { rows, errors };
  })();

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
  const writer = new AuditWriter({ ...DEFAULT_WRITER_OPTIONS, url: bench.url });
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
    const postgres = bench.postgresCpu();
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
    return { node: (used.user + used.system) / 1000 / events, postgres: postgres === null ? null : ((bench.postgresCpu() - postgres) * 1000) / events, events: events / 4 };
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
  const interleavedCost = (key) => ((1 - interleaved.rows.find((row) => row.key === key).rps / interleaved.rows[0].rps) * 100).toFixed(1);
  const projected = (name) => (CORES * 1000) / cpu(name).total;
  const lines = [
    `Audit benchmark: the exchange benchmark's 100-row consumer page (12 fields, 3 masked, row scope), ${ROWS.toLocaleString('en')} rows, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} round(s); ${CORES} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, PostgreSQL ${bench.label}; load average at the end ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`,
    '',
    '| server (best run) | req/s | p50 ms | p99 ms | vs auditing off | vs PostGraphile | CPU ms/req server | CPU ms/req PostgreSQL | req/s the CPU allows | vs auditing off | non-200 | events written |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...[off, single, group, peer].map((row) => {
      const c = cpu(row.name);
      return `| ${row.name} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${(row.rps / off.rps).toFixed(2)}× | ${(row.rps / peer.rps).toFixed(2)}× | ${c.gateway.toFixed(2)} | ${c.postgres?.toFixed(2) ?? '–'} | ${projected(row.name).toFixed(0)} | ${(projected(row.name) / projected(off.name)).toFixed(2)}× | ${row.errors} | ${row.events ?? '–'} |`;
    }),
    '',
    `Interleaved in one process under one continuous load (${WINDOWS} windows of ${WINDOW} s cycling the three modes; ${interleaved.errors} answers not 200):`,
    '',
    '| mode | req/s | p50 ms | p99 ms | vs auditing off | CPU ms/req gateway | CPU ms/req PostgreSQL | events per commit | ms per commit |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...interleaved.rows.map(
      (row) =>
        `| ${row.name} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${(row.rps / interleaved.rows[0].rps).toFixed(3)}× | ${row.gatewayMs.toFixed(2)} | ${row.postgresMs.toFixed(2)} | ${row.meanBatch?.toFixed(1) ?? '–'} | ${row.commitMs?.toFixed(1) ?? '–'} |`,
    ),
    '',
    `Auditing costs ${interleavedCost('group')} % of throughput with group commit, ${interleavedCost('single')} % with one INSERT per request (interleaved). In the separate runs above: ${((1 - group.rps / off.rps) * 100).toFixed(1)} % and ${((1 - single.rps / off.rps) * 100).toFixed(1)} %; in CPU per request, ${((cpu(group.name).total / cpu(off.name).total - 1) * 100).toFixed(1)} % and ${((cpu(single.name).total / cpu(off.name).total - 1) * 100).toFixed(1)} %.`,
    `The audit writer's own CPU per event with ${CONNECTIONS} callers: Node ${cpuPerEvent.node.toFixed(3)} ms + PostgreSQL ${cpuPerEvent.postgres?.toFixed(3) ?? '–'} ms = ${((cpuPerEvent.node + (cpuPerEvent.postgres ?? 0)) / cpu(off.name).total * 100).toFixed(1)} % of the CPU of one request with auditing off.`,
    `The writer alone: ${saturated.toFixed(0)} events/s at saturation (mean batch ${meanBatch.toFixed(0)} events); ${concurrent.toFixed(0)} events/s with 200 callers each awaiting its commit (p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)].toFixed(1)} ms).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await bench.close();
}

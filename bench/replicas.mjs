// The consumer's 100-row page (masks, a row scope, audited) on one gateway process, then on two
// gateway processes behind a loopback round-robin load balancer, on one PostgreSQL, in one run.
// On a machine with few cores the second gateway competes with the first, PostgreSQL and the
// balancer for the same CPUs: the figure will not double there; the CPU seconds each process used
// are printed next to it, to say where the time went.
//
//   npm run bench:replicas -- [--rows 100000] [--duration 10] [--connections 20] [--fast]
//
// Uses DATABASE_URL when set (a fresh database on that server), else an embedded PostgreSQL in a
// temporary folder (durable settings unless --fast).
import http from 'node:http';
import os from 'node:os';
import { argument, cpuSeconds, graphqlRequest as gql, loadEnterprises, log, openBenchDatabase, saturate } from './support.mjs';

const ROWS = Number(argument('rows', 100_000));
const DURATION = Number(argument('duration', 10));
const CONNECTIONS = Number(argument('connections', 20));
const PORTS = { a: 3911, b: 3912, balancer: 3910 };

/**
 * A loopback load balancer: each request goes to the next gateway in turn, over kept-alive
 * connections (as nginx with `keepalive` does in docker/compose.yaml).
 */
function startBalancer(port, upstreams) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const server = http.createServer((request, response) => {
    const target = upstreams[next];
    next = (next + 1) % upstreams.length;
    const forwarded = http.request(
      { host: '127.0.0.1', port: target, method: request.method, path: request.url, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => {
      response.statusCode = 502;
      response.end();
    });
    request.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  const close = () =>
    new Promise((done) => {
      server.close(done);
      server.closeAllConnections();
    });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ close, agent })));
}

const bench = await openBenchDatabase('replicas', { fast: process.argv.includes('--fast') });
const { names, consumerKey } = await loadEnterprises(ROWS);
const PAGE = `{ records(dataset: "AMR-ENT", fields: ${JSON.stringify(names)}, where: { status: { eq: "ACTIVE" } }, first: 100) { nodes } }`;
const request = () => gql(consumerKey, PAGE, {});
const ready = /ready|http:\/\/localhost/i;

let balancer = null;
try {
  const a = await bench.start('gateway a', 'dist/apps/gateway/src/main.js', { env: { ...bench.gatewayEnv, PORT: String(PORTS.a), HOST: '127.0.0.1' }, ready });
  const b = await bench.start('gateway b', 'dist/apps/gateway/src/main.js', { env: { ...bench.gatewayEnv, PORT: String(PORTS.b), HOST: '127.0.0.1' }, ready });
  balancer = await startBalancer(PORTS.balancer, [PORTS.a, PORTS.b]);

  for (const port of [PORTS.a, PORTS.b]) {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: request().headers, body: request().body });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(`the consumer page failed on port ${port} (${response.status}): ${text.slice(0, 300)}`);
  }

  const measure = async (label, port) => {
    await saturate(port, request, { connections: CONNECTIONS, duration: Math.min(2, DURATION) });
    const before = { a: cpuSeconds(a.pid), b: cpuSeconds(b.pid), balancer: process.cpuUsage(), postgres: bench.postgresCpu() };
    const result = await saturate(port, request, { connections: CONNECTIONS, duration: DURATION });
    const used = process.cpuUsage(before.balancer);
    const cpu = {
      a: cpuSeconds(a.pid) - before.a,
      b: cpuSeconds(b.pid) - before.b,
      // This process runs the load generator and, in the second run, the balancer.
      client: (used.user + used.system) / 1e6,
      postgres: before.postgres === null ? null : bench.postgresCpu() - before.postgres,
    };
    log(`${label.padEnd(34)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  non-200 ${result.errors}`);
    return { label, ...result, cpu };
  };

  const one = await measure('one gateway', PORTS.a);
  const two = await measure('two gateways behind the balancer', PORTS.balancer);
  const seconds = (value) => (value === null ? '–' : (value / DURATION).toFixed(2));
  const lines = [
    `Two gateway replicas: the consumer's 100-row page (${ROWS.toLocaleString('en')} rows, masks, row scope, audited), ${CONNECTIONS} connections, ${DURATION} s per run, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, PostgreSQL ${bench.label}`,
    '',
    '| run | req/s | p50 ms | p99 ms | non-200 | CPU/s gateway a | CPU/s gateway b | CPU/s PostgreSQL | CPU/s load generator (+ balancer) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...[one, two].map(
      (row) => `| ${row.label} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.errors} | ${seconds(row.cpu.a)} | ${seconds(row.cpu.b)} | ${seconds(row.cpu.postgres)} | ${seconds(row.cpu.client)} |`,
    ),
    '',
    `Two replicas answer ${(two.rps / one.rps).toFixed(2)}× the requests of one (CPU/s: CPU seconds used per second of the run; ${os.cpus().length} is the machine's whole).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await balancer?.close();
  balancer?.agent.destroy();
  await bench.close();
}

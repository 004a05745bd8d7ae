// The audit crash test: drives data queries at a real gateway process, kills it with SIGKILL in
// the middle of the load, restarts it, and checks that every response the client received has
// exactly one audit event and that the chain verifies. Then the same with SIGTERM (graceful
// shutdown: stop accepting, finish in flight, flush the writer). Exit code 0 only when both hold.
//
//   npm run test:crash --  [--seconds 2] [--connections 16] [--rounds 2]
//
// Uses DATABASE_URL when set (a fresh database on that server), else an embedded PostgreSQL in a
// temporary folder (durable settings). The gateway runs as `node dist/apps/gateway/src/main.js`.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { benchContext, loadGeneratedVersion, openBenchDatabase, root } from '../../bench/support.mjs';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const SECONDS = argument('seconds', 2);
const CONNECTIONS = argument('connections', 16);
const ROUNDS = argument('rounds', 2);
const log = (line) => process.stdout.write(`${line}\n`);
const run = promisify(execFile);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const bench = await openBenchDatabase('crash');
const env = { ...process.env, ...bench.gatewayEnv, LOG_LEVEL: 'error' };
let gateway = null;
let failures = 0;

async function cleanup() {
  gateway?.kill('SIGKILL');
  await bench.close();
}

try {
  // ---- a provider, a consumer, an unconditional dataset with rows ----------------------------
  const { createGateway } = await import('../../dist/apps/gateway/src/bootstrap.js');
  const { CatalogueRegistry, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle } = await import('../../dist/libs/catalogue/src/index.js');
  const { DepartmentsService, SystemClientsService } = await import('../../dist/libs/identity/src/index.js');
  const { Role } = await import('../../dist/libs/core/src/index.js');
  let consumerKey;
  {
    const app = await createGateway({ logger: false });
    await app.init();
    const departments = app.get(DepartmentsService, { strict: false });
    const provider = await departments.create(null, { code: 'DG-AMR', name: '市场监管局', divisionCode: '440100' });
    await departments.create(null, { code: 'DG-TAX', name: '税务局', divisionCode: '440100' });
    consumerKey = (await app.get(SystemClientsService, { strict: false }).create(null, { department: 'DG-TAX', name: 'tax-system', roles: [Role.CONSUMER] })).key;
    const steward = benchContext(provider, [Role.STEWARD]);
    await app.get(CatalogueRegistry, { strict: false }).register(steward, {
      code: 'AMR-ENT',
      apiName: 'enterprises',
      title: '企业登记信息',
      summary: '崩溃测试',
      category: '基础',
      updateCycle: UpdateCycle.DAILY,
      sharingType: SharingType.UNCONDITIONAL,
      sharingBasis: '测试',
      openType: OpenType.CLOSED,
      fields: [
        { name: 'regNo', title: '注册号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'entName', title: '企业名称', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
        { name: 'capital', title: '注册资本', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL },
      ],
    });
    await loadGeneratedVersion(app, steward, 'AMR-ENT', async (tx, table) => {
      await tx.query(`insert into ${table} select i, 'R' || lpad(i::text, 8, '0'), '企业' || i, i * 10.5 from generate_series(1, 2000) as i`);
      return { rowCount: 2000, checksum: 'crash', sourceName: 'generate_series', format: 'sql' };
    });
    await app.close();
  }

  const port = await freePort();
  const startGateway = () => bench.start('gateway', 'dist/apps/gateway/src/main.js', { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, ready: /http:\/\/localhost/ });

  const QUERY = JSON.stringify({ query: '{ records(dataset: "AMR-ENT", fields: ["regNo", "entName", "capital"], where: { capital: { gte: 100 } }, first: 20) { nodes } }' });

  /** Keeps CONNECTIONS requests in flight until stopped; answers the ids of the responses received whole. */
  let runs = 0;
  async function load(stopSignal) {
    runs += 1;
    const run = runs;
    const acknowledged = [];
    let sent = 0;
    let failed = 0;
    let counter = 0;
    const worker = async (lane) => {
      while (!stopSignal.stopped) {
        const requestId = `load-${run}-${lane}-${(counter += 1)}`;
        sent += 1;
        try {
          const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${consumerKey}`, 'x-request-id': requestId, 'x-purpose': 'crash-test' },
            body: QUERY,
          });
          const body = await response.json();
          if (response.status === 200 && !body.errors && body.data?.records?.nodes?.length === 20) acknowledged.push(requestId);
          else failed += 1;
        } catch {
          failed += 1;
          // The gateway is gone: stop this lane (a refused connection returns at once).
          if (stopSignal.killed) return;
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, lane) => worker(lane)));
    return { acknowledged, sent, failed };
  }

  async function check(label, acknowledged) {
    const client = new pg.Client({ connectionString: bench.url });
    await client.connect();
    try {
      const { rows } = await client.query(`select request_id, count(*)::int as n from audit_event where request_id like 'load-%' group by request_id`);
      const counts = new Map(rows.map((row) => [row.request_id, row.n]));
      const missing = acknowledged.filter((id) => !counts.has(id));
      const doubled = rows.filter((row) => row.n !== 1);
      const unacknowledged = rows.filter((row) => !acknowledged.includes(row.request_id)).length;
      log(`  ${acknowledged.length} responses received; ${missing.length} of them without an event; ${doubled.length} requests with more than one event; ${unacknowledged} events whose response never arrived (in flight at the kill)`);
      if (missing.length > 0 || doubled.length > 0) {
        failures += 1;
        log(`  FAIL (${label}): missing e.g. ${missing.slice(0, 5).join(', ')}; doubled e.g. ${doubled.slice(0, 5).map((row) => `${row.request_id}×${row.n}`).join(', ')}`);
      }
    } finally {
      await client.end();
    }
    const verify = await run(process.execPath, ['dist/apps/gateway/src/cli.js', 'audit:verify'], { cwd: root, env }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error) => ({ code: error.code, stdout: `${error.stdout}${error.stderr}` }),
    );
    log(`  audit:verify exit ${verify.code}: ${verify.stdout.trim().split('\n')[0]}`);
    if (verify.code !== 0) failures += 1;
  }

  const acknowledgedAll = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    gateway = await startGateway();
    const stop = { stopped: false, killed: false };
    const running = load(stop);
    const killAfter = SECONDS * 1000 * (0.5 + Math.random() / 2);
    await new Promise((resolve) => setTimeout(resolve, killAfter));
    gateway.kill('SIGKILL');
    stop.killed = true;
    stop.stopped = true;
    const result = await running;
    acknowledgedAll.push(...result.acknowledged);
    log(`round ${round}: kill -9 after ${(killAfter / 1000).toFixed(1)} s of load (${result.sent} requests sent, ${result.failed} failed or cut off)`);
    await check(`kill -9, round ${round}`, acknowledgedAll);
  }

  // Graceful: SIGTERM while requests are in flight.
  gateway = await startGateway();
  const stop = { stopped: false, killed: false };
  const running = load(stop);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const exited = new Promise((resolve) => gateway.once('exit', (code, signal) => resolve(code ?? signal)));
  const termAt = Date.now();
  gateway.kill('SIGTERM');
  const how = await exited;
  stop.killed = true;
  stop.stopped = true;
  const result = await running;
  acknowledgedAll.push(...result.acknowledged);
  log(`SIGTERM during load: the gateway exited (${how}) after ${Date.now() - termAt} ms (${result.sent} requests sent, ${result.failed} refused after it stopped accepting)`);
  gateway = null;
  await check('SIGTERM', acknowledgedAll);
  log(failures === 0 ? 'audit crash test: PASS' : `audit crash test: FAIL (${failures} problem(s))`);
} catch (error) {
  failures += 1;
  log(`audit crash test: ERROR ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanup();
}
process.exit(failures === 0 ? 0 : 1);

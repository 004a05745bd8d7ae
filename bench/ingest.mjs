// Ingest benchmark: generates CSV files of a 12-field dataset (UTF-8 and GB18030), uploads each
// through POST /api/v1/datasets/:code/versions of a real gateway process, and loads the same file
// with a bare `psql \copy` into a table of the same shape, as the physical reference. Prints rows/s,
// wall time and the gateway's peak RSS (VmHWM, reset before each upload).
//
//   npm run bench:ingest -- [--rows 100000,1000000,12000000] [--encodings utf-8,gb18030] [--keep-files]
//
// Uses DATABASE_URL when set (a fresh database is created on that server), else an embedded
// PostgreSQL (durable settings, as `npm start` runs it) in a temporary folder. Needs psql on PATH.
import { spawn, execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import pg from 'pg';
import { openBenchDatabase } from './support.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { csvField, demoRow } = await import(path.join(root, 'dist/apps/gateway/src/seed/demo-rows.js'));

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const ROWS = arg('rows', '100000,1000000').split(',').map(Number);
const ENCODINGS = arg('encodings', 'utf-8,gb18030').split(',');
const KEEP = args.includes('--keep-files');
const CODE = 'BENCH-ENT-12';

// AMR-ENT-REG's fields plus a head count: 12 fields of text, numeric, date and integer.
const FIELDS = [
  ['creditCode', '统一社会信用代码', 'STRING', true],
  ['entName', '企业名称', 'STRING'],
  ['legalRep', '法定代表人', 'STRING'],
  ['legalRepIdCard', '法定代表人身份证号', 'STRING'],
  ['regCapital', '注册资本', 'DECIMAL'],
  ['estDate', '成立日期', 'DATE'],
  ['entType', '企业类型', 'STRING'],
  ['regStatus', '登记状态', 'STRING'],
  ['district', '所属区', 'STRING'],
  ['address', '住所', 'STRING'],
  ['contactPhone', '联系电话', 'STRING'],
  ['employees', '从业人数', 'INTEGER'],
];
const PG_TYPES = { STRING: 'text', DECIMAL: 'numeric', DATE: 'date', INTEGER: 'bigint' };

const temp = await mkdtemp(path.join(os.tmpdir(), 'causeway-bench-ingest-'));
await chmod(temp, 0o755);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const log = (line) => process.stderr.write(`${line}\n`);

/** Writes `rows` rows as CSV in the encoding, streaming (12 million rows never sit in memory). */
async function generate(file, rows, encoding) {
  const out = createWriteStream(file);
  let chunk = `${FIELDS.map(([name]) => name).join(',')}\n`;
  for (let index = 0; index < rows; index += 1) {
    const row = demoRow('AMR-ENT-REG', index);
    row.employees = (index * 7) % 500;
    chunk += `${FIELDS.map(([name]) => csvField(row[name])).join(',')}\n`;
    if (chunk.length > 1 << 20 || index === rows - 1) {
      if (!out.write(encoding === 'utf-8' ? chunk : iconv.encode(chunk, 'gb18030'))) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end();
  await once(out, 'finish');
}

// ---- the database and the gateway ----------------------------------------------------------
const bench = await openBenchDatabase('ingest');
const databaseUrl = bench.url;
const dataDir = bench.gatewayEnv.CAUSEWAY_DATA_DIR;

// The gateway runs as `npm start` runs it: the start script's environment variables and Node options.
const start = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).scripts.start.split(/\s+/);
const startEnv = Object.fromEntries(start.slice(0, start.indexOf('node')).map((pair) => pair.split('=')));
const nodeOptions = start.slice(start.indexOf('node') + 1).filter((word) => word.startsWith('--'));
const port = 3900 + Math.floor(Math.random() * 90);
const gateway = spawn(process.execPath, [...nodeOptions, path.join(root, 'dist/apps/gateway/src/main.js')], {
  env: { ...process.env, ...startEnv, DATABASE_URL: databaseUrl, PORT: String(port), CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOST: '127.0.0.1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let banner = '';
gateway.stdout.on('data', (data) => (banner += data.toString()));
const stopGateway = () => gateway.exitCode === null && gateway.kill('SIGTERM');
process.on('exit', stopGateway);
for (let tries = 0; !banner.includes('Causeway is running'); tries += 1) {
  if (gateway.exitCode !== null || tries > 600) throw new Error(`the gateway did not start:\n${banner}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const credentials = JSON.parse(await readFile(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
const key = credentials.clients.find((client) => client.name === 'amr-loader').key;

function request(method, pathname, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers: { authorization: `Bearer ${key}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (data) => (text += data));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

const register = await request('POST', '/graphql', {
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    query: 'mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { code } }',
    variables: {
      input: {
        code: CODE,
        title: '企业登记信息（基准测试）',
        summary: '导入基准测试用的 12 个字段的数据集',
        category: '基础',
        updateCycle: 'DAILY',
        sharingType: 'UNCONDITIONAL',
        openType: 'CLOSED',
        fields: FIELDS.map(([name, title, type, isKey]) => ({ name, title, type, isKey: Boolean(isKey), nullable: !isKey, sensitivity: 'INTERNAL' })),
      },
    },
  }),
});
if (JSON.parse(register.body).errors) throw new Error(register.body);

const rssNow = async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${gateway.pid}/status`, 'utf8'))[1]) * 1024;
const idleRss = await rssNow();
const peakRss = async () => Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${gateway.pid}/status`, 'utf8'))[1]) * 1024;
const resetPeak = () => writeFile(`/proc/${gateway.pid}/clear_refs`, '5').catch(() => log('(cannot reset the peak RSS; figures include earlier peaks)'));

// ---- the runs ----------------------------------------------------------------------------
const results = [];
const psql = promisify(execFile);
for (const rows of ROWS) {
  for (const encoding of ENCODINGS) {
    const file = path.join(temp, `bench-${rows}.${encoding}.csv`);
    log(`generating ${rows} rows (${encoding})…`);
    await generate(file, rows, encoding);
    const size = (await stat(file)).size;

    log(`uploading ${path.basename(file)} (${mb(size)} MB) through the gateway…`);
    await resetPeak();
    const started = process.hrtime.bigint();
    const response = await request('POST', `/api/v1/datasets/${CODE}/versions`, { body: createReadStream(file, { highWaterMark: 256 * 1024 }), headers: { 'content-type': 'text/csv' } });
    const gatewaySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${response.body.slice(0, 2000)}`);
    const report = JSON.parse(response.body);
    if (report.rowCount !== rows) throw new Error(`expected ${rows} rows, loaded ${report.rowCount}`);
    const peak = await peakRss();

    log('loading the same file with psql \\copy…');
    const table = `bench_ref_${rows}_${encoding.replace('-', '')}`;
    const script = [
      '\\set ON_ERROR_STOP on',
      'begin;',
      `create table ${table} (${FIELDS.map(([name, , type, isKey]) => `"${name}" ${PG_TYPES[type]}${isKey ? ' not null' : ''}`).join(', ')});`,
      `\\copy ${table} from '${file}' with (format csv, header true, encoding '${encoding === 'utf-8' ? 'UTF8' : 'GB18030'}')`,
      `create unique index on ${table} ("creditCode");`,
      'commit;',
    ].join('\n');
    const scriptFile = path.join(temp, 'copy.sql');
    await writeFile(scriptFile, script);
    const copyStarted = process.hrtime.bigint();
    await psql('psql', ['-X', '-q', '-d', databaseUrl, '-f', scriptFile], { maxBuffer: 1 << 20 });
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;

    results.push({ rows, encoding, size, gatewaySeconds, peak, copySeconds, detected: report.encoding });
    // Free the disk for the next run: the reference table and (through the route) nothing else.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop table ${table}`);
    await client.end();
    if (!KEEP) await rm(file);
  }
}

// ---- the table -----------------------------------------------------------------------------
const pad = (text, width) => String(text).padStart(width);
const lines = [
  `Ingest benchmark: ${FIELDS.length}-field dataset, gateway (${[...Object.entries(startEnv).map(([name, value]) => `${name}=${value}`), ...nodeOptions].join(' ')}) RSS when idle ${mb(idleRss)} MB, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}, PostgreSQL ${bench.label}`,
  '',
  `| rows       | encoding | file MB | gateway s | gateway rows/s | gateway peak RSS MB | psql \\copy s | \\copy rows/s | gateway ÷ \\copy |`,
  `|-----------:|----------|--------:|----------:|---------------:|--------------------:|-------------:|-------------:|---------------:|`,
  ...results.map(
    (r) =>
      `| ${pad(r.rows.toLocaleString('en'), 10)} | ${r.encoding.padEnd(8)} | ${pad(mb(r.size), 7)} | ${pad(r.gatewaySeconds.toFixed(1), 9)} | ${pad(Math.round(r.rows / r.gatewaySeconds).toLocaleString('en'), 14)} | ${pad(mb(r.peak), 19)} | ${pad(r.copySeconds.toFixed(1), 12)} | ${pad(Math.round(r.rows / r.copySeconds).toLocaleString('en'), 12)} | ${pad(`${(r.gatewaySeconds / r.copySeconds).toFixed(2)}×`, 14)} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);

stopGateway();
await once(gateway, 'exit');
await bench.close();
await rm(temp, { recursive: true, force: true });

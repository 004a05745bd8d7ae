// Streams a large open dataset through /open/datasets/{code}.csv (or .json) and prints how fast
// it went and how much memory the gateway held meanwhile. The figure that matters is the live
// heap: it must stay flat however many rows the version has.
//
//   npm run build && node bench/portal-download.mjs [rows=1000000] [csv|json] [gzip]
//
// Uses DATABASE_URL when set (a fresh database is created on that server), else an embedded
// PostgreSQL in a temporary folder. Exits 1 when the live heap grew by more than 64 MB.
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createGunzip } from 'node:zlib';
import { benchContext, loadGeneratedVersion, openBenchDatabase } from './support.mjs';

const rows = Number(process.argv[2] ?? 1_000_000);
const format = process.argv[3] === 'json' ? 'json' : 'csv';
const gzip = process.argv.includes('gzip');
const HEAP_LIMIT = 64 * 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const bench = await openBenchDatabase('portal', { fast: true });
Object.assign(process.env, { NODE_ENV: 'test', PORTAL_RATE_LIMIT: '0' });

const { createGateway } = await import('../dist/apps/gateway/src/bootstrap.js');
const { CatalogueRegistry, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle } = await import('../dist/libs/catalogue/src/index.js');
const { DepartmentsService } = await import('../dist/libs/identity/src/index.js');
const { Role } = await import('../dist/libs/core/src/index.js');

const app = await createGateway({ logger: false });
await app.init();
await app.listen({ port: 0, host: '127.0.0.1' });
const port = app.getHttpServer().address().port;

try {
  const department = await app.get(DepartmentsService, { strict: false }).create(null, { code: 'DG-BENCH', name: '基准测试局', divisionCode: '440100' });
  const ctx = benchContext(department, [Role.STEWARD]);
  await app.get(CatalogueRegistry, { strict: false }).register(ctx, {
    code: 'BENCH-OPEN',
    title: '基准开放数据',
    summary: '下载基准',
    category: '部门',
    updateCycle: UpdateCycle.YEARLY,
    sharingType: SharingType.UNCONDITIONAL,
    openType: OpenType.OPEN,
    fields: [
      { name: 'itemNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'amount', title: '金额', type: FieldType.DECIMAL, sensitivity: Sensitivity.PUBLIC },
      { name: 'day', title: '日期', type: FieldType.DATE, sensitivity: Sensitivity.PUBLIC },
      { name: 'note', title: '备注', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
    ],
  });
  const loadStarted = Date.now();
  await loadGeneratedVersion(app, ctx, 'BENCH-OPEN', async (tx, table) => {
    await tx.query(
      `insert into ${table} select n, 'ITEM-' || lpad(n::text, 9, '0'), (n % 100000) / 100.0, date '2020-01-01' + (n % 1500), '广州市天河区第' || n || '号 ' || md5(n::text) from generate_series(1, $1) as n`,
      [rows],
    );
    return { rowCount: rows, checksum: `bench-${rows}`, sourceName: 'generate_series', format: 'generated' };
  });
  console.log(`loaded ${rows.toLocaleString()} rows in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  let heapPeak = heapBefore;
  let rssPeak = rssBefore;
  let samples = 0;
  const sample = () => {
    gc();
    samples += 1;
    const usage = process.memoryUsage();
    heapPeak = Math.max(heapPeak, usage.heapUsed);
    rssPeak = Math.max(rssPeak, usage.rss);
  };
  const started = Date.now();
  let firstByteAt = 0;
  const { bytes, lines } = await new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/open/datasets/BENCH-OPEN.${format}`, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
        const body = gzip ? response.pipe(createGunzip()) : response;
        let bytes = 0;
        let lines = 0;
        body.on('data', (chunk) => {
          if (!firstByteAt) firstByteAt = Date.now();
          if (Math.floor((bytes + chunk.length) / (16 << 20)) > Math.floor(bytes / (16 << 20))) sample();
          bytes += chunk.length;
          for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines += 1;
        });
        body.on('end', () => resolve({ bytes, lines }));
        body.on('error', reject);
      })
      .on('error', reject);
  });
  const seconds = (Date.now() - started) / 1000;
  const growth = heapPeak - heapBefore;
  console.log(`${format}${gzip ? ' (gzip)' : ''}: ${mb(bytes)} (decoded), ${lines.toLocaleString()} lines in ${seconds.toFixed(1)} s — first byte after ${firstByteAt - started} ms, ${(rows / seconds).toFixed(0)} rows/s, ${mb(bytes / seconds)}/s`);
  console.log(`live heap growth (after GC, ${samples} samples): ${mb(growth)}; RSS growth: ${mb(rssPeak - rssBefore)}`);
  if (growth > HEAP_LIMIT) {
    console.error(`the live heap grew by ${mb(growth)}: the download is not streaming`);
    process.exitCode = 1;
  }
} finally {
  await app.close();
  await bench.close();
}

// The web console's size budget (issue 13): the JavaScript a browser loads before the first page
// (the entry chunk and what index.html preloads) must stay within 400 KB gzipped; pages, charts
// (ECharts) and editors load on demand. Reads the build (npm run bench:console builds first).
//   node bench/console-budget.mjs        prints the table; exits 1 over budget
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 400;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'apps', 'console', 'dist');

const index = await readFile(path.join(dist, 'index.html'), 'utf8').catch(() => {
  console.error('apps/console/dist/index.html is missing: run `npm run build` first');
  process.exit(2);
});
const initial = new Set([...index.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]));
// Static imports of the entry chunk load with it.
for (const asset of [...initial]) {
  if (!asset.endsWith('.js')) continue;
  const code = await readFile(path.join(dist, asset), 'utf8');
  for (const match of code.matchAll(/^import\s*(?:[^'"]*from\s*)?["']\.\/([^"']+\.js)["']/gm)) initial.add(`assets/${match[1]}`);
}

const rows = [];
for (const name of await readdir(path.join(dist, 'assets'))) {
  if (name.endsWith('.br') || name.endsWith('.gz')) continue;
  const bytes = await readFile(path.join(dist, 'assets', name));
  rows.push({ file: `assets/${name}`, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, initial: initial.has(`assets/${name}`) });
}
rows.sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
const kb = (n) => (n / 1024).toFixed(1).padStart(8);
console.log(`${'file'.padEnd(44)} ${'raw KB'.padStart(8)} ${'gzip KB'.padStart(8)}  loaded`);
for (const row of rows) console.log(`${row.file.padEnd(44)} ${kb(row.raw)} ${kb(row.gzip)}  ${row.initial ? 'initially' : 'on demand'}`);
const initialJs = rows.filter((row) => row.initial && row.file.endsWith('.js')).reduce((sum, row) => sum + row.gzip, 0);
const echarts = rows.filter((row) => /AuditCharts/.test(row.file));
console.log(`\ninitial JavaScript: ${(initialJs / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
console.log(`charts (ECharts) on demand: ${echarts.map((row) => `${row.file} ${(row.gzip / 1024).toFixed(1)} KB`).join(', ') || 'not found'}`);
process.exit(initialJs <= BUDGET_KB * 1024 ? 0 : 1);

// The console's other budget (issue 13): the catalogue page interactive within 1 s on loopback.
// Boots the built gateway with the demo city on an embedded PostgreSQL, signs the demo auditor in
// through the login form once, then loads /console/catalogue in new browser contexts (nothing
// cached: a first visit, signed in) and in new pages of one context (assets cached, as a
// returning user has them), and measures from navigation to the first catalogue row rendered and
// clickable. Debian's Chromium, no download.
//
//   npm run bench:console-interactive -- [--runs 20]
import { existsSync } from 'node:fs';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { argument, log, openBenchDatabase } from './support.mjs';

const BUDGET_MS = 1000;
const RUNS = Number(argument('runs', 20));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`chromium not found at ${CHROMIUM} (apt-get install chromium fonts-wqy-microhei)`);
  process.exit(2);
}

const bench = await openBenchDatabase('console');
const PORT = 3931;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
let browser;
try {
  await bench.start('gateway', 'dist/apps/gateway/src/main.js', {
    env: { ...bench.gatewayEnv, PORT: String(PORT), HOST: '127.0.0.1', CAUSEWAY_DEMO: 'true' },
    ready: /http:\/\/localhost/i,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}`, viewport: { width: 1360, height: 860 }, locale: 'zh-CN' });
  const signIn = await context.newPage();
  await signIn.goto('/console/');
  await signIn.waitForURL(/\/console\/login/);
  await signIn.locator('#email').fill('auditor@causeway.demo');
  await signIn.locator('#password').fill('causeway-demo-2026');
  await signIn.getByRole('button', { name: /登\s*录/ }).click();
  await signIn.getByTestId('whoami').waitFor();

  const load = async (page) => {
    const started = performance.now();
    await page.goto('/console/catalogue');
    const row = page.locator('.ant-table-row a').first();
    await row.waitFor();
    // Clickable: attached, visible, stable and receiving events (Playwright's actionability checks).
    await row.click({ trial: true });
    return performance.now() - started;
  };

  const storageState = await context.storageState();
  const first = [];
  for (let run = 0; run < Math.max(3, Math.ceil(RUNS / 4)); run += 1) {
    const fresh = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}`, viewport: { width: 1360, height: 860 }, locale: 'zh-CN', storageState });
    first.push(await load(await fresh.newPage()));
    await fresh.close();
  }
  const returning = [];
  for (let run = 0; run < RUNS; run += 1) {
    const page = await context.newPage();
    returning.push(await load(page));
    await page.close();
  }
  const stats = (times) => {
    const sorted = [...times].sort((a, b) => a - b);
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
    return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
  };
  const cold = stats(first);
  const warm = stats(returning);
  const lines = [
    `Console catalogue page, navigation to the first row clickable, loopback, demo city, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Chromium headless`,
    '',
    '| load | p50 ms | p95 ms | max ms | budget |',
    '|---|---:|---:|---:|---:|',
    `| first visit (nothing cached), ${first.length} loads | ${cold.p50.toFixed(0)} | ${cold.p95.toFixed(0)} | ${cold.max.toFixed(0)} | ${BUDGET_MS} |`,
    `| returning (assets cached), ${returning.length} loads | ${warm.p50.toFixed(0)} | ${warm.p95.toFixed(0)} | ${warm.max.toFixed(0)} | ${BUDGET_MS} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = cold.p95 <= BUDGET_MS && warm.p95 <= BUDGET_MS ? 0 : 1;
} catch (error) {
  log(`console-interactive: ${error.stack ?? error}`);
  process.exitCode = 2;
} finally {
  await browser?.close();
  await bench.close();
}

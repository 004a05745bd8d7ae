import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); the browser tests never download one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumFound = existsSync(CHROMIUM);
export const SKIP_REASON = `skipped: chromium not found at ${CHROMIUM} (apt-get install chromium fonts-wqy-microhei)`;

export const SCREENSHOTS = path.resolve('test-output/console');

// Without the last four flags Chromium itself calls Google hosts; the tests run offline.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** Makes the in-process gateway listen on a free loopback port and answers its base URL. */
export async function listen(app: NestFastifyApplication): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the gateway did not report a port');
  return `http://127.0.0.1:${address.port}`;
}

export const PASSWORD = 'correct horse battery staple';

/** Signs in through the console's login form, as a person would. */
export async function signIn(browser: Browser, baseUrl: string, email: string, password = PASSWORD): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1360, height: 860 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  await page.goto('/console/');
  await page.waitForURL(/\/console\/login/);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Let transitions and lazy chunks settle so the picture shows the page, not a spinner.
  await page.waitForLoadState('networkidle');
  // antd's open/close transitions take 0.3 s: the picture is taken after them (not an assertion).
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

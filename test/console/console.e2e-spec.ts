import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '@causeway/core';
import type { Browser } from 'playwright-core';
import { PEOPLE, peopleRegister } from '../support/exchange-fixtures.js';
import { TestGateway } from '../support/gateway.js';
import { chromiumFound, launchBrowser, listen, screenshot, signIn, SKIP_REASON } from './browser.js';

const PROVIDER = 'DG-PSB';
const CONSUMER = 'TH-AMR';

function csv(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0]!);
  return [columns.join(','), ...rows.map((row) => columns.map((column) => (row[column] === null ? '' : String(row[column]))).join(','))].join('\n');
}

if (!chromiumFound) {
  describe('web console in Chromium', () => {
    it.skip(SKIP_REASON, () => undefined);
  });
  console.warn(`web console browser tests ${SKIP_REASON}`);
} else {
  describe('web console in Chromium', () => {
    let gateway: TestGateway;
    let browser: Browser;
    let baseUrl: string;

    beforeAll(async () => {
      gateway = await TestGateway.start();
      await gateway.department('GZ-DATA', '广州市政务服务和数据管理局', '440100');
      await gateway.department(PROVIDER, '广州市公安局', '440100');
      await gateway.department(CONSUMER, '广州市天河区市场监督管理局', '440106');
      const providerSteward = await gateway.person(PROVIDER, 'steward.psb@causeway.test', [Role.STEWARD]);
      await gateway.person(CONSUMER, 'steward.tianhe@causeway.test', [Role.STEWARD]);
      await gateway.person('GZ-DATA', 'auditor@causeway.test', [Role.AUDITOR]);
      await gateway.person('GZ-DATA', 'admin@causeway.test', [Role.ADMIN]);
      await gateway.dataset(PROVIDER, peopleRegister());
      const upload = await gateway.http('POST', '/api/v1/datasets/PSB-PEOPLE/versions?publish=true', {
        headers: { authorization: `Bearer ${providerSteward}`, 'content-type': 'text/csv' },
        body: csv(PEOPLE),
      });
      expect(upload.status).toBe(201);
      baseUrl = await listen(gateway.app);
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await gateway?.close();
    });

    it('a browser asking for / is sent to the console, and a console path survives a reload (history fallback)', async () => {
      const root = await fetch(`${baseUrl}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('/console/');
      const deep = await fetch(`${baseUrl}/console/catalogue/PSB-PEOPLE`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain('<div id="root">');
    });

    it('everyone: a person signs in, sees who they are in Chinese, switches to English (remembered) and signs out', async () => {
      const page = await signIn(browser, baseUrl, 'steward.tianhe@causeway.test');
      await expect(page.getByTestId('whoami').textContent()).resolves.toContain('广州市天河区市场监督管理局');
      await page.getByText('可见资源').waitFor();
      await screenshot(page, '01-dashboard-zh');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Visible datasets').waitFor();
      await page.reload();
      await page.getByText('Visible datasets').waitFor();
      await page.getByRole('button', { name: /中\s*文/ }).click();
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.getByText('您已退出登录。').waitFor();
      await page.context().close();
    });

    it('everyone: a session whose token the API refuses ends on the login page saying it expired', async () => {
      const page = await signIn(browser, baseUrl, 'steward.tianhe@causeway.test');
      // The stored token no longer valid (as after the signing secret changed): the API refuses it.
      await page.evaluate(`(() => {
        const session = JSON.parse(localStorage.getItem('causeway.session'));
        localStorage.setItem('causeway.session', JSON.stringify({ ...session, token: 'not-a-valid-token' }));
      })()`);
      await page.reload();
      await page.getByText('会话已过期，请重新登录。').waitFor();
      await page.context().close();
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharingType } from '@causeway/catalogue';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Role } from '@causeway/core';
import iconv from 'iconv-lite';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { PEOPLE, peopleRegister } from '../support/exchange-fixtures.js';
import { TestGateway } from '../support/gateway.js';
import { chromiumFound, launchBrowser, listen, PASSWORD, SCREENSHOTS, screenshot, signIn, SKIP_REASON } from './browser.js';

// A provider in the city (division 440100) and a consumer in Tianhe district (440106).
const PROVIDER = 'DG-PSB';
const CONSUMER = 'TH-AMR';
const PROVIDER_STEWARD = 'steward.psb@causeway.test';
const CONSUMER_STEWARD = 'steward.tianhe@causeway.test';

/** The people register as an old system exports it: GBK, Chinese-free header, and one bad row. */
function gbkCsv(): Buffer {
  const columns = Object.keys(PEOPLE[0]!);
  const lines = [columns.join(','), ...PEOPLE.map((row) => columns.map((column) => (row[column as keyof typeof row] ?? '') as string).join(','))];
  lines.push('440106200203030000,钱七,440106,不是数字,2002-03-03,100.00,,true');
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
}

async function tableText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ');
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
      await gateway.person(PROVIDER, PROVIDER_STEWARD, [Role.STEWARD]);
      await gateway.person(CONSUMER, CONSUMER_STEWARD, [Role.STEWARD]);
      await gateway.person('GZ-DATA', 'auditor@causeway.test', [Role.AUDITOR]);
      await gateway.person('GZ-DATA', 'admin@causeway.test', [Role.ADMIN]);
      await gateway.person(CONSUMER, 'newcomer@causeway.test', [Role.ANALYST]);
      await gateway.person(CONSUMER, 'leaver@causeway.test', [Role.ANALYST]);
      // Conditional sharing: another department reads rows only under a grant it asked for.
      await gateway.dataset(PROVIDER, peopleRegister({ sharingType: SharingType.CONDITIONAL, sharingCondition: '用于法定职责范围内的核查' }));
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
      const page = await signIn(browser, baseUrl, CONSUMER_STEWARD);
      await expect(page.getByTestId('whoami').textContent()).resolves.toContain('广州市天河区市场监督管理局');
      await page.getByText('可见资源').waitFor();
      await screenshot(page, '01-dashboard');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Visible datasets').waitFor();
      await page.reload();
      await page.getByText('Visible datasets').waitFor();
      await page.getByRole('button', { name: /中\s*文/ }).click();
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: '退出登录' }).click();
      await page.getByText('您已退出登录。').waitFor();
      await page.context().close();
    });

    it('everyone: a session whose token the API refuses ends on the login page saying it expired', async () => {
      const page = await signIn(browser, baseUrl, CONSUMER_STEWARD);
      // The stored token no longer valid (as after the signing secret changed): the API refuses it.
      await page.evaluate(`(() => {
        const session = JSON.parse(localStorage.getItem('causeway.session'));
        localStorage.setItem('causeway.session', JSON.stringify({ ...session, token: 'not-a-valid-token' }));
      })()`);
      await page.reload();
      await page.getByText('会话已过期，请重新登录。').waitFor();
      await page.context().close();
    });

    it("provider's steward: registers a dataset; the API's validation message shows on the form field it is about", async () => {
      const page = await signIn(browser, baseUrl, PROVIDER_STEWARD);
      await page.goto('/console/register');
      await page.locator('#code').fill('PSB-HOUSEHOLD-MOVES');
      await page.locator('#title').fill('户籍迁移登记信息');
      await page.locator('#summary').fill('户籍迁入、迁出登记记录');
      await page.locator('#sharingBasis').fill('《户口登记条例》');
      await page.locator('#fields_0_name').fill('moveId');
      await page.locator('#fields_0_title').fill('迁移编号');
      await page.getByRole('button', { name: /登\s*记/ }).click();
      // Conditional sharing without its 共享条件: refused by the API, the message under that field.
      await page.locator('#sharingCondition_help').getByText('is required for CONDITIONAL sharing').waitFor();
      await screenshot(page, '10-register-validation');
      await page.locator('#sharingCondition').fill('仅限户籍管理相关部门');
      await page.getByRole('button', { name: /登\s*记/ }).click();
      await page.getByTestId('dataset-title').getByText('户籍迁移登记信息').waitFor();
      await page.context().close();
    });

    it("provider's steward: drops a GBK CSV on the upload page, sees the transfer and the report with the refused row", async () => {
      const page = await signIn(browser, baseUrl, PROVIDER_STEWARD);
      await page.goto('/console/upload');
      await page.getByTestId('upload-dataset').click();
      await page.getByText('人口基础信息 (PSB-PEOPLE)').click();
      await page.locator('input[type=file]').setInputFiles({ name: 'people-gbk.csv', mimeType: 'text/csv', buffer: gbkCsv() });
      const report = page.getByTestId('upload-report');
      await report.waitFor();
      const text = (await report.innerText()).replace(/\s+/g, ' ');
      expect(text).toMatch(/识别编码\s*(gbk|gb18030)/i);
      expect(text).toContain('接受行数 5');
      expect(text).toContain('拒绝行数 1');
      expect(text).toContain('age');
      await screenshot(page, '02-upload-report');
      await page.context().close();
    });

    it("consumer's steward: finds the dataset in Chinese, sees no rows yet, and requests access with purpose, use scope and legal basis", async () => {
      const page = await signIn(browser, baseUrl, CONSUMER_STEWARD);
      // Observed, not asserted (budgets are not timed tests): from navigation to the first row shown.
      const started = Date.now();
      await page.goto('/console/catalogue');
      await page.locator('.ant-table-row').first().waitFor();
      await writeFile(path.join(SCREENSHOTS, 'timings.json'), JSON.stringify({ catalogueFirstRowMs: Date.now() - started }));
      await page.getByTestId('catalogue-search').locator('input').fill('人口');
      await page.getByTestId('catalogue-search').locator('input').press('Enter');
      await page.getByRole('link', { name: '人口基础信息' }).click();
      await page.getByTestId('dataset-title').waitFor();
      await screenshot(page, '03-dataset');
      await page.getByRole('tab', { name: '数据预览' }).click();
      await page.getByText('您的部门暂无此资源的数据访问权限').waitFor();
      await page.getByRole('button', { name: '申请共享' }).click();
      for (const label of ['身份证号 (idCard)', '姓名 (name)', '区划 (district)', '年龄 (age)']) await page.getByLabel(label).check();
      await page.locator('#purpose').fill('核查天河区市场主体法定代表人身份');
      await page.locator('#useScope').fill('天河区市场监管执法');
      await page.locator('#legalBasis').fill('《市场主体登记管理条例》');
      await screenshot(page, '04-request-access');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByText('申请已提交，等待提供方审批').waitFor();
      await page.context().close();
    });

    it("provider's steward: approves from the inbox with a masked field, a hidden field and a row scope on the consumer's division", async () => {
      const page = await signIn(browser, baseUrl, PROVIDER_STEWARD);
      await page.goto('/console/requests');
      const row = page.locator('tr', { hasText: '人口基础信息' });
      await expect(row.innerText()).resolves.toContain('广州市天河区市场监督管理局');
      await expect(row.innerText()).resolves.toContain('0 个工作日');
      await row.getByRole('button', { name: /审\s*批/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('tr', { hasText: '(age)' }).getByText('隐藏').click();
      await dialog.getByRole('button', { name: '添加条件' }).click();
      await dialog.getByTestId('condition-0').locator('.ant-select').first().click();
      await page.getByTitle('区划 (district)').click();
      await dialog.locator('.cw-scope-value input').fill('$consumer.divisionCode');
      await expect(dialog.getByTestId('scope-preview').innerText()).resolves.toBe('{"district":{"eq":{"$consumer":"divisionCode"}}}');
      await dialog.locator('.ant-modal-title').click();
      await screenshot(page, '05-approve');
      // The live preview: the provider's query under the scope as it applies to this consumer.
      await dialog.getByRole('button', { name: '预览申请方可见数据' }).click();
      const preview = await tableText(page, '[data-testid=approve-preview]');
      expect(preview).toContain('440106');
      expect(preview).not.toContain('440111');
      expect(preview).not.toContain('张三');
      expect(preview).toContain('‹脱敏›');
      await dialog.getByRole('button', { name: /批\s*准/ }).click();
      await page.getByText('已批准，授权已生效').waitFor();
      await page.goto('/console/grants');
      await page.locator('.ant-table-row').first().waitFor();
      await screenshot(page, '09-grants');
      await expect(tableText(page, '.ant-table')).resolves.toContain('"$consumer":"divisionCode"');
      await page.context().close();
    });

    it("consumer's steward: the preview shows only the Tianhe rows, the name and ID card masked and the hidden age absent", async () => {
      const page = await signIn(browser, baseUrl, CONSUMER_STEWARD);
      await page.goto('/console/catalogue/PSB-PEOPLE');
      await page.getByRole('tab', { name: '数据预览' }).click();
      await page.getByText('显示 2 行').waitFor();
      const preview = await tableText(page, '[data-testid=preview]');
      expect(preview).toContain('440106');
      expect(preview).not.toContain('440111');
      expect(preview).not.toContain('张三');
      expect(preview).not.toContain('440106199001011234');
      expect(preview).not.toContain('年龄');
      await screenshot(page, '06-preview-masked-scoped');
      await page.context().close();
    });

    it('auditor: finds the request, the approval and the read of the dataset with the filter in the URL, opens one, exports CSV with a BOM', async () => {
      const page = await signIn(browser, baseUrl, 'auditor@causeway.test');
      await page.goto('/console/audit?dataset=PSB-PEOPLE');
      await page.getByTestId('chain-status').getByText('链完整').waitFor();
      await page.locator('.ant-table-row').first().waitFor();
      const events = await tableText(page, '.ant-table');
      expect(events).toMatch(/access\.request/);
      expect(events).toMatch(/approve/);
      expect(events).toMatch(/records/);
      await page.locator('.ant-table-row', { hasText: 'records' }).filter({ hasText: 'TH-AMR' }).first().click();
      const detail = await tableText(page, '[data-testid=audit-detail]');
      expect(detail).toContain('TH-AMR');
      expect(detail).toMatch(/脱敏字段\s*idCard\s*name\s*拒绝字段/);
      await screenshot(page, '07-audit-detail');
      await page.keyboard.press('Escape');
      // The dashboards load ECharts only now, on demand.
      await page.getByRole('button', { name: '统计图表' }).click();
      await page.getByTestId('audit-chart').locator('canvas').waitFor();
      await screenshot(page, '11-audit-charts');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出 CSV' }).click();
      const csv = await readFile((await (await download).path())!);
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.toString('utf8')).toContain('PSB-PEOPLE');
      await page.context().close();
    });

    it('auditor: searches by a word of the purpose; the filter goes into the URL and survives a reload', async () => {
      const page = await signIn(browser, baseUrl, 'auditor@causeway.test');
      await page.goto('/console/audit');
      await page.getByTestId('audit-purpose').fill('法定代表人');
      await page.getByRole('button', { name: /查\s*询/ }).click();
      await page.waitForURL((url) => url.searchParams.get('purpose') === '法定代表人');
      await page.locator('.ant-table-row', { hasText: 'access.request' }).waitFor();
      // The unfiltered page's rows (reads, logins: no purpose) are gone once the filtered answer shows.
      await page.locator('.ant-table-row').filter({ hasNotText: 'access.request' }).first().waitFor({ state: 'detached' });
      expect(await page.locator('.ant-table-row').count()).toBe(1);
      await page.reload();
      await expect(page.getByTestId('audit-purpose').inputValue()).resolves.toBe('法定代表人');
      await page.locator('.ant-table-row', { hasText: 'access.request' }).first().click();
      await expect(tableText(page, '[data-testid=audit-detail]')).resolves.toContain('核查天河区市场主体法定代表人身份');
      await screenshot(page, '12-audit-purpose');
      await page.context().close();
    });

    it('administrator: creates a system client, sees its key once, and revokes it; the API then refuses the key', async () => {
      const page = await signIn(browser, baseUrl, 'admin@causeway.test');
      await page.goto('/console/clients');
      await page.getByRole('button', { name: '新建接入' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('#department').click();
      await page.getByTitle('广州市天河区市场监督管理局 (TH-AMR)').click();
      await dialog.locator('#name').fill('tianhe-enforcement');
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      const key = (await page.getByTestId('new-key').innerText()).trim();
      expect(key).toMatch(/^cw_/);
      await screenshot(page, '08-client-key-once');
      const me = () => fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: '{ me { label } }' }) }).then((r) => r.json() as Promise<{ data?: { me: { label: string } }; errors?: { extensions: { code: string } }[] }>);
      expect((await me()).data?.me.label).toContain('tianhe-enforcement');
      await page.locator('.ant-modal-footer').getByRole('button', { name: /关\s*闭/ }).click();
      await page.locator('tr', { hasText: 'tianhe-enforcement' }).getByRole('button', { name: /撤\s*销/ }).click();
      await page.getByTestId('reason').fill('系统下线');
      await page.getByRole('button', { name: /确\s*定/ }).click();
      await page.locator('tr', { hasText: 'tianhe-enforcement' }).getByText('已撤销').waitFor();
      expect((await me()).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      await page.goto('/console/organisation');
      await page.locator('.ant-tree').getByText('广州市天河区市场监督管理局 (TH-AMR)').waitFor();
      await page.context().close();
    });

    const login = (email: string, password: string) =>
      fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($input: LoginInput!) { login(input: $input) { token } }', variables: { input: { email, password } } }),
      }).then((r) => r.json() as Promise<{ data?: { login: { token: string } }; errors?: { extensions: { code: string } }[] }>);

    it("administrator: disables a person (their login is refused) and enables them; resets another's password, shown once with copy", async () => {
      const page = await signIn(browser, baseUrl, 'admin@causeway.test');
      await page.goto('/console/organisation');
      await page.getByRole('tab', { name: '人员' }).click();
      const leaver = page.locator('tr', { hasText: 'leaver@causeway.test' });
      await leaver.getByRole('button', { name: /停\s*用/ }).click();
      await page.getByTestId('reason').fill('调离本单位');
      await page.getByRole('button', { name: /确\s*定/ }).click();
      await page.getByText('已停用 leaver@causeway.test').waitFor();
      await leaver.getByText('已停用').waitFor();
      await screenshot(page, '14-people-disabled');
      expect((await login('leaver@causeway.test', PASSWORD)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      await leaver.getByRole('button', { name: /启\s*用/ }).click();
      await leaver.getByText('有效').waitFor();
      expect((await login('leaver@causeway.test', PASSWORD)).data?.login.token).toBeTruthy();
      // The administrator cannot disable themselves: the button is not offered.
      await expect(page.locator('tr', { hasText: 'admin@causeway.test' }).getByRole('button', { name: /停\s*用/ }).count()).resolves.toBe(0);

      await page.locator('tr', { hasText: 'newcomer@causeway.test' }).getByRole('button', { name: '重置密码' }).click();
      await page.getByRole('button', { name: /确\s*定/ }).click();
      const temporary = (await page.getByTestId('temporary-password').innerText()).trim();
      expect(temporary).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
      await screenshot(page, '15-people-reset-password');
      await page.locator('.ant-modal-footer').getByRole('button', { name: /关\s*闭/ }).click();
      await page.locator('tr', { hasText: 'newcomer@causeway.test' }).getByText('待修改密码').waitFor();
      await page.context().close();

      // The person signs in with it: nothing but choosing a new password is offered.
      const newcomer = await signIn(browser, baseUrl, 'newcomer@causeway.test', temporary);
      await newcomer.getByText('请先设置新密码').waitFor();
      await expect(newcomer.locator('.ant-menu-item').count()).resolves.toBe(0);
      await screenshot(newcomer, '13-forced-password-change');
      await newcomer.locator('#currentPassword').fill(temporary);
      await newcomer.locator('#newPassword').fill('my own new passphrase');
      await newcomer.locator('#confirm').fill('my own new passphrase');
      await newcomer.getByRole('button', { name: '确认修改' }).click();
      await newcomer.getByText('可见资源').waitFor();
      await newcomer.context().close();
      expect((await login('newcomer@causeway.test', temporary)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    });

    it('everyone: changes their own password from the user menu; a wrong current password shows under that field, and the other session ends', async () => {
      const other = (await login('leaver@causeway.test', PASSWORD)).data!.login.token;
      const page = await signIn(browser, baseUrl, 'leaver@causeway.test');
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: '修改密码' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('#currentPassword').fill('not my password');
      await dialog.locator('#newPassword').fill('short');
      await dialog.locator('#confirm').fill('different');
      await dialog.getByRole('button', { name: '确认修改' }).click();
      await dialog.locator('#newPassword_help').getByText('至少 12 个字符').waitFor();
      await dialog.locator('#confirm_help').getByText('两次输入的新密码不一致').waitFor();
      await dialog.locator('#newPassword').fill('a long enough passphrase');
      await dialog.locator('#confirm').fill('a long enough passphrase');
      await dialog.getByRole('button', { name: '确认修改' }).click();
      // Refused by the API: its message under the field it is about.
      await dialog.locator('#currentPassword_help').getByText('is not your current password').waitFor();
      await screenshot(page, '12-change-password');
      await dialog.locator('#currentPassword').fill(PASSWORD);
      await dialog.getByRole('button', { name: '确认修改' }).click();
      await page.getByText('密码已修改；其他设备上的登录已失效。').waitFor();
      // This session goes on with the new token; the other one is refused.
      await page.goto('/console/catalogue');
      await page.locator('.ant-table-row').first().waitFor();
      const me = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${other}` }, body: JSON.stringify({ query: '{ me { id } }' }) });
      expect(((await me.json()) as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      // A person without the administrator's role is offered no administration, and the page refuses.
      await expect(page.locator('.ant-menu').innerText()).resolves.not.toContain('组织与人员');
      await page.goto('/console/organisation');
      await page.getByText('您的角色无权访问此页面。').waitFor();
      await page.context().close();
    });

    it("provider's steward: edits a dataset and its fields; the API's problems show under the form items they are about", async () => {
      const page = await signIn(browser, baseUrl, PROVIDER_STEWARD);
      await page.goto('/console/catalogue/PSB-HOUSEHOLD-MOVES');
      await page.getByRole('button', { name: /编\s*辑/ }).click();
      await page.waitForURL(/\/catalogue\/PSB-HOUSEHOLD-MOVES\/edit$/);
      await page.locator('#sharingCondition').fill('');
      await page.locator('#summary').fill('户籍迁入、迁出登记记录（含省内迁移）');
      await page.getByRole('button', { name: '保存目录信息' }).click();
      await page.locator('#sharingCondition_help').getByText('is required for CONDITIONAL sharing').waitFor();
      await screenshot(page, '16-edit-metadata-validation');
      await page.locator('#sharingCondition').fill('仅限户籍管理相关部门');
      await page.getByRole('button', { name: '保存目录信息' }).click();
      await page.getByText('已保存').waitFor();

      await page.getByRole('tab', { name: '信息项' }).click();
      await page.getByTestId('field-row-0').locator('.ant-select').nth(1).click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('敏感').click();
      await page.getByRole('button', { name: '保存信息项' }).click();
      await page.locator('#fields_0_mask_help').getByText('a SENSITIVE field is served masked').waitFor();
      await screenshot(page, '17-edit-fields-validation');
      await page.getByTestId('field-row-0').locator('.ant-select').nth(2).click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('REDACT').click();
      await page.getByRole('button', { name: '保存信息项' }).click();
      await page.getByText('已保存').first().waitFor();
      await page.getByRole('link', { name: '返回资源页' }).click();
      await page.getByText('户籍迁入、迁出登记记录（含省内迁移）').waitFor();
      await page.getByRole('tab', { name: '信息项' }).click();
      await expect(page.locator('.ant-table', { hasText: 'moveId' }).innerText().then((text) => text.replace(/\s+/g, ' '))).resolves.toMatch(/moveId.*敏感.*REDACT/);
      await page.context().close();
    });

    it('auditor: the timeliness dashboards show answers per provider and the overdue list, loaded on demand', async () => {
      // A request of another district waits past its deadline.
      await gateway.department('YX-AMR', '广州市越秀区市场监督管理局', '440104');
      await gateway.person('YX-AMR', 'steward.yuexiu@causeway.test', [Role.STEWARD]);
      const yuexiu = (await login('steward.yuexiu@causeway.test', PASSWORD)).data!.login.token;
      const filed = await gateway.gql<{ requestAccess: { id: string } }>(
        'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
        { input: { dataset: 'PSB-PEOPLE', fields: ['district'], purpose: '越秀区市场主体核查' } },
        yuexiu,
      );
      expect(filed.errors).toBeUndefined();
      await gateway.app.get<DataSource>(getDataSourceToken() as string).query(
        `update access_request set created_at = now() - interval '20 days', deadline = now() - interval '6 days' where id = $1`,
        [filed.data!.requestAccess.id],
      );

      const page = await signIn(browser, baseUrl, 'auditor@causeway.test');
      await page.getByRole('menuitem', { name: '办理时效' }).click();
      await page.getByTestId('timeliness-answers').locator('canvas').waitFor();
      await page.getByTestId('timeliness-days').locator('canvas').waitFor();
      const totals = await tableText(page, '[data-testid=timeliness-totals]');
      expect(totals).toMatch(/收到申请\s*2/);
      expect(totals).toMatch(/超期未答复\s*1/);
      const overdue = await tableText(page, '[data-testid=overdue-list]');
      expect(overdue).toContain('PSB-PEOPLE');
      expect(overdue).toContain('广州市越秀区市场监督管理局');
      expect(overdue).toContain('广州市公安局');
      await screenshot(page, '18-timeliness');
      await page.context().close();
    });
  });
}

import { describe, expect, it } from '@jest/globals';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AccessRequest } from '../operations';
import { fakeApi, renderPage } from '../testing/render';
import { ApprovalForm } from './ApprovalForm';

const request: AccessRequest = {
  id: 'r1', status: 'PENDING', datasetCode: 'PSB-PEOPLE', consumerDepartmentCode: 'TH-AMR', providerDepartmentCode: 'DG-PSB',
  fields: ['idCard', 'name', 'district', 'age'], purpose: '核查天河区市场主体法定代表人身份', useScope: null, legalBasis: null, validUntil: null,
  requestedBy: 'user:steward.tianhe', createdAt: '2026-12-07T01:00:00.000Z', deadline: '2026-12-14T09:00:00.000Z', overdue: false, waitingWorkingDays: 0,
  decidedAt: null, decidedBy: null, decisionReason: null,
  dataset: {
    title: '人口基础信息',
    fields: [
      { name: 'idCard', title: '身份证号', type: 'STRING', mask: 'ID_CARD', sensitivity: 'SENSITIVE' },
      { name: 'name', title: '姓名', type: 'STRING', mask: 'NAME', sensitivity: 'SENSITIVE' },
      { name: 'district', title: '区划', type: 'STRING', mask: 'NONE', sensitivity: 'INTERNAL' },
      { name: 'age', title: '年龄', type: 'INTEGER', mask: 'NONE', sensitivity: 'INTERNAL' },
    ],
  },
  consumerDepartment: { name: '广州市天河区市场监督管理局', divisionCode: '440106' },
  history: [],
};

// What the provider's own query answers: every value in clear.
const ROWS = [{ idCard: '440106199001011234', name: '李四', district: '440106', age: 36 }];

function levelOf(field: string, level: '明文' | '脱敏' | '隐藏') {
  fireEvent.click(within(screen.getByTestId(`level-${field}`)).getByText(level));
}

describe('<ApprovalForm>', () => {
  it('builds the row scope from conditions in the filter language, with the consumer attribute as {"$consumer": …}', async () => {
    renderPage(<ApprovalForm request={request} onClose={() => undefined} />, { client: fakeApi(() => ({})).client });
    fireEvent.click(screen.getByRole('button', { name: '添加条件' }));
    const condition = screen.getByTestId('condition-0');
    fireEvent.mouseDown(within(condition).getAllByRole('combobox')[0]!);
    fireEvent.click(await screen.findByTitle('区划 (district)'));
    fireEvent.change(within(condition).getAllByRole('combobox')[2]!, { target: { value: '$consumer.divisionCode' } });
    await waitFor(() => expect(screen.getByTestId('scope-preview').textContent).toBe('{"district":{"eq":{"$consumer":"divisionCode"}}}'));
    // The summary says what the grant will hold.
    expect(screen.getByText(/申请方将看到/).parentElement?.textContent).toContain('{"district":{"eq":{"$consumer":"divisionCode"}}}');
  });

  it('previews what the consumer would see: hidden fields absent, masked ones never shown, the scope resolved for this consumer', async () => {
    const api = fakeApi(() => ({ records: { nodes: ROWS } }));
    renderPage(<ApprovalForm request={request} onClose={() => undefined} />, { client: api.client });
    // Sensitive fields with a mask start masked; the steward hides age and shows the district in clear.
    levelOf('age', '隐藏');
    fireEvent.click(screen.getByRole('tab', { name: 'JSON（筛选语言）' }));
    fireEvent.change(screen.getByDisplayValue('{}'), { target: { value: '{"district": {"eq": {"$consumer": "divisionCode"}}}' } });
    fireEvent.click(screen.getByRole('button', { name: '预览申请方可见数据' }));

    const preview = await screen.findByTestId('approve-preview');
    const headers = within(preview).getAllByRole('columnheader').map((cell) => cell.textContent);
    expect(headers).toEqual(['idCard', 'name', 'district']);
    const text = preview.textContent ?? '';
    expect(text).toContain('440106');
    expect(text).toContain('‹脱敏›');
    expect(text).not.toContain('440106199001011234');
    expect(text).not.toContain('李四');
    expect(text).not.toContain('36');
    // The preview asked the API for the granted fields only, with $consumer replaced by the consumer's division.
    expect(api.sent.at(-1)?.variables).toEqual({ dataset: 'PSB-PEOPLE', fields: ['idCard', 'name', 'district'], first: 5, where: { district: { eq: '440106' } } });
  });

  it('follows the steward changing a field from masked to clear', async () => {
    renderPage(<ApprovalForm request={request} onClose={() => undefined} />, { client: fakeApi(() => ({ records: { nodes: ROWS } })).client });
    levelOf('name', '明文');
    levelOf('idCard', '隐藏');
    fireEvent.click(screen.getByRole('button', { name: '预览申请方可见数据' }));
    const preview = await screen.findByTestId('approve-preview');
    expect(preview.textContent).toContain('李四');
    expect(preview.textContent).not.toContain('440106199001011234');
    expect(screen.getByText(/申请方将看到/).parentElement?.textContent).toMatch(/^申请方将看到：name、district、age；/);
  });
});

import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Drawer, Form, Input, Row, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { describeError } from '../api';
import { formatTime } from '../hooks';
import { AUDIT_CHAIN, AUDIT_EVENTS, type AuditChainData, type AuditEvent, type AuditEventsData } from '../operations';
import { toCsv, toJsonLines } from '../auditExport';
import { auditFilterFromParams, auditParamsFromValues, type AuditFilterKey } from '../auditFilter';

// ECharts is large: it loads only when the auditor opens the charts.
const AuditCharts = lazy(() => import('./AuditCharts'));

const OUTCOME_COLOURS: Record<string, string> = { ALLOWED: 'green', DENIED: 'red', ERROR: 'volcano' };
const EXPORT_LIMIT = 10000;

export default function Audit() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useClient();
  const [params, setParams] = useSearchParams();
  const filter = auditFilterFromParams(params);
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }] = useQuery<AuditEventsData>({ query: AUDIT_EVENTS, variables: { filter, first: 50, after }, requestPolicy: 'network-only' });
  const [chain, refreshChain] = useQuery<AuditChainData>({ query: AUDIT_CHAIN, variables: { fresh: false } });
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const [showCharts, setShowCharts] = useState(false);
  const [form] = Form.useForm();

  const search = (values: Partial<Record<AuditFilterKey, unknown>>) => {
    setAfter(null);
    setParams(auditParamsFromValues(values));
  };

  /** Every event of the current filter, page after page through the API's cursor, saved as a file. */
  const exportAs = async (format: 'csv' | 'jsonl') => {
    const events: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const result = await client.query<AuditEventsData>(AUDIT_EVENTS, { filter, first: 500, after: cursor }, { requestPolicy: 'network-only' }).toPromise();
      if (result.error || !result.data) return void message.error(describeError(result.error));
      events.push(...result.data.auditEvents.nodes);
      cursor = result.data.auditEvents.pageInfo.hasNextPage ? result.data.auditEvents.pageInfo.endCursor : null;
    } while (cursor && events.length < EXPORT_LIMIT);
    const blob = format === 'csv' ? new Blob([toCsv(events)], { type: 'text/csv;charset=utf-8' }) : new Blob([toJsonLines(events)], { type: 'application/x-ndjson' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `causeway-audit-${dayjs().format('YYYYMMDD-HHmmss')}.${format}`;
    link.click();
    URL.revokeObjectURL(link.href);
    void message.success(t('audit.exported', { count: events.length }));
  };

  const status = chain.data?.auditChainStatus;
  const initial = { ...filter, from: filter.from ? dayjs(filter.from) : undefined, to: filter.to ? dayjs(filter.to) : undefined };
  const keyOf = (key: AuditFilterKey) => t(`audit.${key}`);

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small" title={t('audit.chain')} extra={<Button size="small" onClick={() => refreshChain({ requestPolicy: 'network-only', variables: { fresh: true } })}>{t('audit.verify')}</Button>}>
        {chain.error && <Alert type="error" title={describeError(chain.error)} />}
        {status && (
          <Descriptions size="small" column={4} data-testid="chain-status">
            <Descriptions.Item label={t('audit.chain')}>{status.ok ? <Tag color="green">{t('audit.chainOk')}</Tag> : <Tag color="red">{t('audit.chainBroken')}{status.problem ? ` · ${status.problem}` : ''}</Tag>}</Descriptions.Item>
            <Descriptions.Item label={t('audit.headSeq')}>{status.headSeq}</Descriptions.Item>
            <Descriptions.Item label={t('audit.lastCheckpoint')}>{status.lastCheckpoint ? `#${status.lastCheckpoint.seq} · ${formatTime(status.lastCheckpoint.at)}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.checkedAt')}>{formatTime(status.checkedAt)}</Descriptions.Item>
          </Descriptions>
        )}
        {status && !status.ok && <Alert type="error" showIcon title={`${status.problem ?? ''} · #${status.brokenAt ?? '?'}`} description={status.message} />}
      </Card>
      <Card title={t('audit.title')} extra={
        <Space>
          <Button onClick={() => setShowCharts((shown) => !shown)}>{t('audit.charts')}</Button>
          <Button onClick={() => exportAs('csv')}>{t('audit.exportCsv')}</Button>
          <Button onClick={() => exportAs('jsonl')}>{t('audit.exportJsonl')}</Button>
        </Space>
      }>
        {showCharts && (
          <Suspense fallback={null}>
            <AuditCharts from={filter.from} to={filter.to} />
          </Suspense>
        )}
        <Form form={form} layout="vertical" initialValues={initial} onFinish={search}>
          <Row gutter={12}>
            <Col span={6}><Form.Item name="from" label={keyOf('from')}><DatePicker showTime style={{ width: '100%' }} /></Form.Item></Col>
            <Col span={6}><Form.Item name="to" label={keyOf('to')}><DatePicker showTime style={{ width: '100%' }} /></Form.Item></Col>
            <Col span={4}><Form.Item name="department" label={keyOf('department')}><Input allowClear /></Form.Item></Col>
            <Col span={4}><Form.Item name="dataset" label={keyOf('dataset')}><Input allowClear data-testid="audit-dataset" /></Form.Item></Col>
            <Col span={4}>
              <Form.Item name="outcome" label={keyOf('outcome')}>
                <Select allowClear options={['ALLOWED', 'DENIED', 'ERROR'].map((value) => ({ value, label: t(`audit.outcomes.${value}`) }))} />
              </Form.Item>
            </Col>
            <Col span={6}><Form.Item name="action" label={keyOf('action')}><Input allowClear placeholder="records.*" /></Form.Item></Col>
            <Col span={6}><Form.Item name="principal" label={keyOf('principal')}><Input allowClear placeholder="user:…" /></Form.Item></Col>
            <Col span={6}><Form.Item name="purpose" label={keyOf('purpose')} tooltip={t('audit.purposeHint')}><Input allowClear data-testid="audit-purpose" /></Form.Item></Col>
            <Col span={6} style={{ display: 'flex', alignItems: 'center', gap: 8, paddingTop: 6 }}>
              <Button type="primary" htmlType="submit">{t('audit.search')}</Button>
              <Button onClick={() => { form.resetFields(); setParams(new URLSearchParams()); }}>{t('audit.reset')}</Button>
              {data && <Typography.Text type="secondary">{t('common.total', { count: data.auditEvents.totalCount })}</Typography.Text>}
            </Col>
          </Row>
        </Form>
        {error && <Alert type="error" title={describeError(error)} />}
        <Table<AuditEvent>
          rowKey="seq"
          size="small"
          loading={fetching}
          dataSource={data?.auditEvents.nodes ?? []}
          pagination={false}
          onRow={(event) => ({ onClick: () => setSelected(event), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('audit.seq'), dataIndex: 'seq', width: 70 },
            { title: t('audit.at'), dataIndex: 'at', render: formatTime, width: 150 },
            { title: t('audit.action'), dataIndex: 'action' },
            { title: t('audit.outcome'), dataIndex: 'outcome', render: (outcome: string) => <Tag color={OUTCOME_COLOURS[outcome]}>{t(`audit.outcomes.${outcome}`)}</Tag> },
            { title: t('audit.principal'), dataIndex: 'principal', ellipsis: true },
            { title: t('audit.department'), render: (_: unknown, event) => [event.departmentCode, event.providerDepartmentCode].filter(Boolean).join(' → ') },
            { title: t('audit.dataset'), dataIndex: 'dataset' },
            { title: t('audit.rows'), dataIndex: 'rowsReturned' },
            { title: t('audit.reason'), dataIndex: 'reason', ellipsis: true },
          ]}
        />
        {data?.auditEvents.pageInfo.hasNextPage && <Button style={{ marginTop: 12 }} onClick={() => setAfter(data.auditEvents.pageInfo.endCursor)}>{t('common.more')}</Button>}
      </Card>
      <Drawer open={selected !== null} size={560} title={selected ? `${t('audit.detail')} #${selected.seq}` : ''} onClose={() => setSelected(null)}>
        {selected && (
          <Descriptions size="small" column={1} bordered data-testid="audit-detail">
            <Descriptions.Item label={t('audit.at')}>{formatTime(selected.at)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.action')}>{selected.action}</Descriptions.Item>
            <Descriptions.Item label={t('audit.outcome')}>{t(`audit.outcomes.${selected.outcome}`)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.principal')}>{selected.principal}</Descriptions.Item>
            <Descriptions.Item label={t('audit.department')}>{[selected.departmentCode, selected.providerDepartmentCode].filter(Boolean).join(' → ') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.dataset')}>{selected.dataset ? `${selected.dataset}${selected.version ? ` v${selected.version}` : ''}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.purpose')}>{selected.purpose ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.fieldsClear')}>{selected.fieldsClear.map((field) => <Tag key={field} color="green">{field}</Tag>)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.fieldsMasked')}>{selected.fieldsMasked.map((field) => <Tag key={field} color="orange">{field}</Tag>)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.fieldsRefused')}>{selected.fieldsRefused.map((field) => <Tag key={field} color="red">{field}</Tag>)}</Descriptions.Item>
            <Descriptions.Item label={t('dataset.rowScope')}>{selected.rowScope ? <Typography.Text code>{JSON.stringify(selected.rowScope)}</Typography.Text> : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.rows')}>{selected.rowsReturned ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.reason')}>{selected.reason ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="requestId">{selected.requestId}</Descriptions.Item>
            <Descriptions.Item label="clientIp">{selected.clientIp ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="hash"><Typography.Text code style={{ fontSize: 11 }}>{selected.hash}</Typography.Text></Descriptions.Item>
          </Descriptions>
        )}
      </Drawer>
    </Space>
  );
}

import { Alert, Card, Col, DatePicker, Empty, Row, Space, Statistic, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { formatTime } from '../hooks';
import { TIMELINESS, type OverdueItem, type ProviderTimeliness, type TimelinessData } from '../operations';

const DEFAULT_DAYS = 90;

/**
 * Auditors and the data bureau: how providers answer access requests (办理时效) in a period —
 * answered in time or late, pending, overdue, the working days answers took — and the overdue
 * list of requests, demands and objections (accessRequestStatistics, overdueItems).
 */
export default function Timeliness() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(DEFAULT_DAYS, 'day').startOf('day'), dayjs().endOf('day')]);
  const [{ data, error, fetching }] = useQuery<TimelinessData>({
    query: TIMELINESS,
    variables: { from: period[0].toISOString(), to: period[1].toISOString() },
    requestPolicy: 'cache-and-network',
  });
  const names = new Map((data?.departments ?? []).map((department) => [department.code, department.name]));
  const nameOf = (code: string) => names.get(code) ?? code;
  const rows = data?.accessRequestStatistics ?? [];
  const total = rows.reduce(
    (sum, row) => ({ received: sum.received + row.received, answered: sum.answered + row.answered, inTime: sum.inTime + row.answeredInTime, overdue: sum.overdue + row.overdue }),
    { received: 0, answered: 0, inTime: 0, overdue: 0 },
  );

  return (
    <Card
      title={t('timeliness.title')}
      extra={
        <Space>
          <span>{t('timeliness.period')}</span>
          <DatePicker.RangePicker
            data-testid="timeliness-period"
            value={period}
            allowClear={false}
            onChange={(range) => range?.[0] && range[1] && setPeriod([range[0].startOf('day'), range[1].endOf('day')])}
          />
        </Space>
      }
      loading={fetching && !data}
    >
      {error && <Alert type="error" showIcon title={describeError(error)} style={{ marginBottom: 16 }} />}
      <Row gutter={16} style={{ marginBottom: 16 }} data-testid="timeliness-totals">
        <Col span={6}><Statistic title={t('timeliness.received')} value={total.received} /></Col>
        <Col span={6}><Statistic title={t('timeliness.inTimeRate')} value={total.answered ? Math.round((total.inTime / total.answered) * 100) : '—'} suffix={total.answered ? '%' : undefined} /></Col>
        <Col span={6}><Statistic title={t('timeliness.answered')} value={total.answered} /></Col>
        <Col span={6}><Statistic title={t('timeliness.overdueNow')} value={total.overdue} styles={total.overdue ? { content: { color: '#cf1322' } } : undefined} /></Col>
      </Row>
      {rows.length === 0 ? (
        <Empty description={t('timeliness.none')} />
      ) : (
        <Row gutter={16}>
          <Col span={14}><Chart title={t('timeliness.perProvider')} option={answersChart(rows, nameOf, t)} testId="timeliness-answers" /></Col>
          <Col span={10}><Chart title={t('timeliness.answerDays')} option={daysChart(rows, nameOf, t)} testId="timeliness-days" /></Col>
        </Row>
      )}
      <OverdueList items={data?.overdueItems ?? []} nameOf={nameOf} />
    </Card>
  );
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

function answersChart(rows: ProviderTimeliness[], nameOf: (code: string) => string, t: Translate): ChartOption {
  // A zero is left out (null) rather than drawn as an empty segment of the stack.
  const series = (name: string, color: string, value: (row: ProviderTimeliness) => number) => ({ name, type: 'bar', stack: 'requests', color, data: rows.map((row) => value(row) || null) });
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 150, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((row) => nameOf(row.providerDepartmentCode)) },
    series: [
      series(t('timeliness.inTime'), '#52c41a', (row) => row.answeredInTime),
      series(t('timeliness.late'), '#faad14', (row) => row.answeredLate),
      series(t('timeliness.pending'), '#1677ff', (row) => row.pending - row.overdue),
      series(t('timeliness.overdue'), '#cf1322', (row) => row.overdue),
    ],
  };
}

function daysChart(rows: ProviderTimeliness[], nameOf: (code: string) => string, t: Translate): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 150, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((row) => nameOf(row.providerDepartmentCode)) },
    series: [
      // Labelled: an answer on the day of filing takes 0 working days, a bar of no length.
      { name: t('timeliness.medianDays'), type: 'bar', label: { show: true, position: 'right' }, data: rows.map((row) => row.medianAnswerWorkingDays) },
      { name: t('timeliness.maxDays'), type: 'bar', label: { show: true, position: 'right' }, data: rows.map((row) => row.maxAnswerWorkingDays) },
    ],
  };
}

function OverdueList({ items, nameOf }: { items: OverdueItem[]; nameOf: (code: string) => string }) {
  const { t } = useTranslation();
  return (
    <>
      <h4 style={{ marginTop: 8 }}>{t('timeliness.overdueList')}</h4>
      <Table<OverdueItem>
        rowKey="id"
        size="small"
        data-testid="overdue-list"
        dataSource={items}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: t('timeliness.kind'), dataIndex: 'kind', render: (kind: OverdueItem['kind']) => <Tag>{t(`timeliness.kinds.${kind}`)}</Tag> },
          { title: t('timeliness.subject'), dataIndex: 'subject' },
          { title: t('timeliness.requester'), dataIndex: 'requesterDepartmentCode', render: nameOf },
          { title: t('timeliness.responsible'), dataIndex: 'responsible', render: (code: string) => (code === 'platform' ? t('timeliness.platform') : nameOf(code)) },
          { title: t('timeliness.deadline'), dataIndex: 'deadline', render: formatTime },
          { title: t('timeliness.daysOverdue'), dataIndex: 'workingDaysOverdue', render: (days: number) => <Tag color="red">{t('request.workingDays', { count: days })}</Tag> },
          { title: t('timeliness.reminded'), dataIndex: 'lastRemindedAt', render: formatTime },
        ]}
      />
    </>
  );
}

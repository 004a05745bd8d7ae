import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Col, Row } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { AUDIT_SUMMARY, type AuditSummaryData, type AuditSummaryRow } from '../operations';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Option = Parameters<echarts.ECharts['setOption']>[0];

function Chart({ title, option, testId }: { title: string; option: Option | null; testId: string }) {
  const element = useRef<HTMLDivElement>(null);
  // Options are rebuilt on every render; draw again only when what they say changed.
  const drawn = option ? JSON.stringify(option) : null;
  useEffect(() => {
    if (!element.current || !drawn) return;
    const chart = echarts.init(element.current);
    chart.setOption(JSON.parse(drawn) as Option);
    return () => chart.dispose();
  }, [drawn]);
  return (
    <div style={{ marginBottom: 16 }}>
      <div style={{ fontWeight: 500 }}>{title}</div>
      <div ref={element} style={{ height: 240 }} data-testid={testId} />
    </div>
  );
}

function useSummary(groupBy: string[], from?: string, to?: string): AuditSummaryRow[] | null {
  const [{ data }] = useQuery<AuditSummaryData>({ query: AUDIT_SUMMARY, variables: { from: from ?? null, to: to ?? null, groupBy } });
  return data?.auditSummary ?? null;
}

/** The auditor's dashboards, from auditSummary: exchanges per day by department, refusals per day, top datasets. */
export default function AuditCharts({ from, to }: { from?: string; to?: string }) {
  const { t } = useTranslation();
  const byDayAndDepartment = useSummary(['DAY', 'DEPARTMENT'], from, to);
  const byDay = useSummary(['DAY'], from, to);
  const byDataset = useSummary(['DATASET'], from, to);

  const days = [...new Set((byDayAndDepartment ?? []).map((row) => row.day ?? ''))].sort();
  const departments = [...new Set((byDayAndDepartment ?? []).map((row) => row.department ?? '—'))];
  const perDay: Option | null = byDayAndDepartment && {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: days },
    yAxis: { type: 'value' },
    series: departments.map((department) => ({
      name: department,
      type: 'bar',
      stack: 'events',
      data: days.map((day) => byDayAndDepartment.filter((row) => (row.day ?? '') === day && (row.department ?? '—') === department).reduce((sum, row) => sum + row.events, 0)),
    })),
  };
  const dayRows = [...(byDay ?? [])].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? ''));
  const refusals: Option | null = byDay && {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: dayRows.map((row) => row.day) },
    yAxis: { type: 'value' },
    series: [
      { name: t('audit.outcomes.DENIED'), type: 'line', data: dayRows.map((row) => row.denied) },
      { name: t('audit.outcomes.ERROR'), type: 'line', data: dayRows.map((row) => row.errors) },
    ],
  };
  const top = [...(byDataset ?? [])].filter((row) => row.dataset).sort((a, b) => b.events - a.events).slice(0, 10).reverse();
  const topDatasets: Option | null = byDataset && {
    tooltip: {},
    grid: { left: 140, right: 20, top: 10, bottom: 30 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: top.map((row) => row.dataset) },
    series: [{ type: 'bar', data: top.map((row) => row.events) }],
  };

  return (
    <Row gutter={16}>
      <Col span={24}><Chart title={t('audit.perDay')} option={perDay} testId="audit-chart" /></Col>
      <Col span={12}><Chart title={t('audit.refusals')} option={refusals} testId="audit-refusals" /></Col>
      <Col span={12}><Chart title={t('audit.topDatasets')} option={topDatasets} testId="audit-top" /></Col>
    </Row>
  );
}

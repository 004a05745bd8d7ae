import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { AUDIT_SUMMARY, type AuditSummaryData } from '../operations';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Exchanges per day, stacked by the caller's department (auditSummary grouped by DAY and DEPARTMENT). */
export default function AuditCharts({ from, to }: { from?: string; to?: string }) {
  const { t } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const [{ data }] = useQuery<AuditSummaryData>({ query: AUDIT_SUMMARY, variables: { from: from ?? null, to: to ?? null, groupBy: ['DAY', 'DEPARTMENT'] } });

  useEffect(() => {
    if (!element.current || !data) return;
    const rows = data.auditSummary;
    const days = [...new Set(rows.map((row) => row.day ?? ''))].sort();
    const departments = [...new Set(rows.map((row) => row.department ?? '—'))];
    const chart = echarts.init(element.current);
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value' },
      series: departments.map((department) => ({
        name: department,
        type: 'bar',
        stack: 'events',
        data: days.map((day) => rows.filter((row) => (row.day ?? '') === day && (row.department ?? '—') === department).reduce((sum, row) => sum + row.events, 0)),
      })),
    });
    return () => chart.dispose();
  }, [data]);

  return (
    <div style={{ marginBottom: 16 }}>
      <div style={{ fontWeight: 500 }}>{t('audit.perDay')}</div>
      <div ref={element} style={{ height: 260 }} data-testid="audit-chart" />
    </div>
  );
}

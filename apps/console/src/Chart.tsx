import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = Parameters<echarts.ECharts['setOption']>[0];

/** One ECharts chart; only the pages that draw charts import this module, so ECharts loads with them. */
export function Chart({ title, option, testId, height = 260 }: { title: string; option: ChartOption | null; testId: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  // Options are rebuilt on every render; draw again only when what they say changed.
  const drawn = option ? JSON.stringify(option) : null;
  useEffect(() => {
    if (!element.current || !drawn) return;
    const chart = echarts.init(element.current);
    // Drawn at once: figures that grow for a second misread in a screenshot or a printout.
    chart.setOption({ animation: false, ...(JSON.parse(drawn) as object) } as ChartOption);
    return () => chart.dispose();
  }, [drawn]);
  return (
    <div style={{ marginBottom: 16 }}>
      <div style={{ fontWeight: 500 }}>{title}</div>
      <div ref={element} style={{ height }} data-testid={testId} />
    </div>
  );
}

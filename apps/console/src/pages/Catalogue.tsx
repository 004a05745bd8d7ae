import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { formatTime } from '../hooks';
import { CATEGORIES, OPEN_TYPES, SHARING_TYPES, UPDATE_CYCLES } from '../model';
import { DATASETS, DEPARTMENTS, type DatasetsData, type DatasetSummary, type DepartmentsData } from '../operations';

const PAGE_SIZE = 20;
type Filter = 'search' | 'provider' | 'category' | 'sharingType' | 'openType' | 'updateCycle';

/** The catalogue search; its filters live in the URL so a search can be shared or reloaded. */
export default function Catalogue() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const value = (name: Filter) => params.get(name) ?? undefined;
  const set = (name: Filter, next: string | undefined) => {
    const copy = new URLSearchParams(params);
    if (next) copy.set(name, next);
    else copy.delete(name);
    setParams(copy, { replace: true });
    setCursors([null]);
  };
  // Pages through the API's cursors: the cursor each visited page started after.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filter = {
    search: value('search'),
    provider: value('provider'),
    category: value('category'),
    sharingType: value('sharingType'),
    openType: value('openType'),
  };
  const [{ data: departments }] = useQuery<DepartmentsData>({ query: DEPARTMENTS });
  const [{ data, fetching }] = useQuery<DatasetsData>({ query: DATASETS, variables: { filter, first: PAGE_SIZE, after: cursors[cursors.length - 1] } });
  // The API filters everything but the update cycle, which the catalogue narrows in the page.
  const cycle = value('updateCycle');
  const rows = (data?.datasets.nodes ?? []).filter((dataset) => !cycle || dataset.updateCycle === cycle);
  const options = (values: readonly string[], prefix: string) => values.map((item) => ({ value: item, label: prefix ? t(`${prefix}.${item}`) : item }));

  return (
    <Card title={t('nav.catalogue')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          data-testid="catalogue-search"
          allowClear
          style={{ width: 320 }}
          placeholder={t('filter.search')}
          defaultValue={value('search')}
          onSearch={(text) => set('search', text.trim() || undefined)}
        />
        <Select allowClear style={{ width: 220 }} placeholder={t('filter.provider')} value={value('provider')} onChange={(next?: string) => set('provider', next)}
          options={(departments?.departments ?? []).map((department) => ({ value: department.code, label: department.name }))} showSearch={{ optionFilterProp: 'label' }} />
        <Select allowClear style={{ width: 120 }} placeholder={t('filter.category')} value={value('category')} onChange={(next?: string) => set('category', next)} options={options(CATEGORIES, '')} />
        <Select allowClear style={{ width: 140 }} placeholder={t('filter.sharingType')} value={value('sharingType')} onChange={(next?: string) => set('sharingType', next)} options={options(SHARING_TYPES, 'sharingType')} />
        <Select allowClear style={{ width: 140 }} placeholder={t('filter.openType')} value={value('openType')} onChange={(next?: string) => set('openType', next)} options={options(OPEN_TYPES, 'openType')} />
        <Select allowClear style={{ width: 120 }} placeholder={t('filter.updateCycle')} value={value('updateCycle')} onChange={(next?: string) => set('updateCycle', next)} options={options(UPDATE_CYCLES, 'updateCycle')} />
      </Space>
      <Table<DatasetSummary>
        rowKey="code"
        loading={fetching}
        dataSource={rows}
        size="middle"
        pagination={false}
        columns={[
          {
            title: t('dataset.title'),
            dataIndex: 'title',
            render: (title: string, dataset) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/catalogue/${encodeURIComponent(dataset.code)}`}>{title}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dataset.code}</Typography.Text>
              </Space>
            ),
          },
          { title: t('dataset.provider'), render: (_: unknown, dataset) => dataset.providerDepartment.name },
          { title: t('filter.category'), dataIndex: 'category' },
          { title: t('filter.sharingType'), dataIndex: 'sharingType', render: (type: string) => <Tag color={type === 'UNCONDITIONAL' ? 'green' : type === 'CONDITIONAL' ? 'orange' : 'red'}>{t(`sharingType.${type}`)}</Tag> },
          { title: t('filter.openType'), dataIndex: 'openType', render: (type: string) => t(`openType.${type}`) },
          { title: t('filter.updateCycle'), dataIndex: 'updateCycle', render: (cycleValue: string) => t(`updateCycle.${cycleValue}`) },
          { title: t('dataset.status'), dataIndex: 'status', render: (status: string) => <Tag>{t(`status.${status}`)}</Tag> },
          { title: t('dataset.updatedAt'), dataIndex: 'updatedAt', render: formatTime },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length < 2} onClick={() => setCursors((all) => all.slice(0, -1))}>‹</Button>
        <span>{cursors.length}</span>
        <Button disabled={!data?.datasets.pageInfo.hasNextPage} onClick={() => setCursors((all) => [...all, data?.datasets.pageInfo.endCursor ?? null])}>›</Button>
        <Typography.Text type="secondary">{t('common.total', { count: data?.datasets.totalCount ?? 0 })}</Typography.Text>
      </Space>
    </Card>
  );
}

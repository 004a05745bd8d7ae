import { App, Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Modal, Result, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../api';
import { formatTime, hasRole, useMe } from '../hooks';
import type { AccessLevel } from '../model';
import { DATASET, DROP_VERSION, PUBLISH_VERSION, RECORDS, REQUEST_ACCESS, type DatasetData, type DatasetDetail, type DatasetField, type DatasetVersion, type RecordsData } from '../operations';

const ACCESS_COLOURS: Record<AccessLevel, string> = { CLEAR: 'green', MASKED: 'orange', DENIED: 'default' };

export default function DatasetPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery<DatasetData>({ query: DATASET, variables: { code } });
  const [requesting, setRequesting] = useState(false);
  const me = useMe();
  const navigate = useNavigate();
  if (fetching && !data) return <Spin />;
  if (error || !data) return <Result status="warning" title={describeError(error)} />;
  const dataset = data.dataset;
  const readable = dataset.myAccess.fields.filter((field) => field.access !== 'DENIED').map((field) => field.field);
  const accessOf = new Map(dataset.myAccess.fields.map((field) => [field.field, field.access]));
  const ownDataset = me.department?.code === dataset.providerDepartment.code;
  const mayRequest = !ownDataset && hasRole(me, 'STEWARD', 'CONSUMER', 'ADMIN') && dataset.sharingType !== 'NONE';

  return (
    <Card
      title={
        <Space>
          <span data-testid="dataset-title">{dataset.title}</span>
          <Typography.Text type="secondary">{dataset.code}</Typography.Text>
          <Tag>{t(`status.${dataset.status}`)}</Tag>
        </Space>
      }
      extra={
        <Space>
          {ownDataset && hasRole(me, 'STEWARD') && <Button onClick={() => navigate(`/catalogue/${encodeURIComponent(dataset.code)}/edit`)}>{t('edit.edit')}</Button>}
          {mayRequest && <Button type="primary" onClick={() => setRequesting(true)}>{t('dataset.requestAccess')}</Button>}
        </Space>
      }
    >
      <Tabs
        items={[
          { key: 'metadata', label: t('dataset.metadata'), children: <Metadata dataset={dataset} /> },
          {
            key: 'fields',
            label: t('dataset.fields'),
            children: <FieldTable fields={dataset.fields} accessOf={accessOf} />,
          },
          {
            key: 'versions',
            label: t('dataset.versions'),
            children: <Versions dataset={dataset} manage={ownDataset && hasRole(me, 'STEWARD')} onChange={() => refetch({ requestPolicy: 'network-only' })} />,
          },
          {
            key: 'preview',
            label: t('dataset.preview'),
            children: readable.length && !dataset.myAccess.aggregateOnly ? <Preview dataset={dataset} fields={readable} /> : <Alert type="info" showIcon title={t('dataset.noAccess')} />,
          },
        ]}
      />
      {requesting && <RequestAccessModal dataset={dataset} onClose={(sent) => { setRequesting(false); if (sent) refetch({ requestPolicy: 'network-only' }); }} />}
    </Card>
  );
}

function Metadata({ dataset }: { dataset: DatasetDetail }) {
  const { t } = useTranslation();
  const access = dataset.myAccess;
  return (
    <>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('dataset.title')}>{dataset.title}{dataset.titleEn ? ` / ${dataset.titleEn}` : ''}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.provider')}>{dataset.providerDepartment.name}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.summary')} span={2}>{dataset.summary}</Descriptions.Item>
        <Descriptions.Item label={t('filter.category')}>{dataset.category}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.theme')}>{dataset.theme ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('filter.sharingType')}>{t(`sharingType.${dataset.sharingType}`)}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.sharingBasis')}>{dataset.sharingBasis ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('filter.openType')}>{t(`openType.${dataset.openType}`)}</Descriptions.Item>
        <Descriptions.Item label={t('filter.updateCycle')}>{t(`updateCycle.${dataset.updateCycle}`)}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.format')}>{dataset.format ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.license')}>{dataset.license ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.coverage')}>{dataset.spatialCoverage ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.temporal')}>{dataset.temporalFrom || dataset.temporalTo ? `${dataset.temporalFrom ?? ''} ~ ${dataset.temporalTo ?? ''}` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.keywords')} span={2}>{dataset.keywords.map((word) => <Tag key={word}>{word}</Tag>)}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('dataset.myAccess')}</Typography.Title>
      <Descriptions size="small" column={3} data-testid="my-access">
        <Descriptions.Item label={t('dataset.rowScope')}>{access.rowScope ? <Typography.Text code>{JSON.stringify(access.rowScope)}</Typography.Text> : t('dataset.everyRow')}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.validUntil')}>{access.validUntil ? formatTime(access.validUntil) : t('dataset.noEnd')}</Descriptions.Item>
        <Descriptions.Item label={t('dataset.aggregateOnly')}>{access.aggregateOnly ? t('common.yes') : t('common.no')}</Descriptions.Item>
      </Descriptions>
    </>
  );
}

function FieldTable({ fields, accessOf }: { fields: DatasetField[]; accessOf: Map<string, AccessLevel> }) {
  const { t } = useTranslation();
  return (
    <Table<DatasetField>
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={fields}
      columns={[
        { title: t('dataset.field.title'), dataIndex: 'title' },
        { title: t('dataset.field.name'), dataIndex: 'name', render: (name: string, field) => <Typography.Text code>{name}{field.isKey ? ' 🔑' : ''}</Typography.Text> },
        { title: t('dataset.field.type'), dataIndex: 'type' },
        { title: t('dataset.field.sensitivity'), dataIndex: 'sensitivity', render: (value: string) => <Tag color={value === 'SECRET' ? 'red' : value === 'SENSITIVE' ? 'orange' : undefined}>{t(`sensitivity.${value}`)}</Tag> },
        { title: t('dataset.field.sharingType'), dataIndex: 'sharingType', render: (value: string) => t(`sharingType.${value}`) },
        { title: t('dataset.field.mask'), dataIndex: 'mask', render: (value: string) => (value === 'NONE' ? '—' : value) },
        { title: t('dataset.field.unit'), dataIndex: 'unit', render: (value: string | null) => value ?? '—' },
        { title: t('dataset.myAccess'), render: (_: unknown, field) => { const level = accessOf.get(field.name) ?? 'DENIED'; return <Tag color={ACCESS_COLOURS[level]}>{t(`access.${level}`)}</Tag>; } },
      ]}
    />
  );
}

/** The versions; the provider's steward makes one current (publish or roll back) or drops an old one's rows. */
function Versions({ dataset, manage, onChange }: { dataset: DatasetDetail; manage: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [, publish] = useMutation(PUBLISH_VERSION);
  const [, drop] = useMutation(DROP_VERSION);
  const act = async (run: () => Promise<{ error?: unknown }>) => {
    const result = await run();
    if (result.error) return void message.error(describeError(result.error));
    void message.success(t('common.done'));
    onChange();
  };
  return (
    <Table<DatasetVersion>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={dataset.versions}
      columns={[
        { title: t('dataset.version.version'), dataIndex: 'version', render: (version: number, row) => <Space>{`v${version}`}{row.current && <Tag color="green">{t('dataset.version.current')}</Tag>}</Space> },
        { title: t('dataset.version.rows'), dataIndex: 'rowCount' },
        { title: t('dataset.version.encoding'), dataIndex: 'encoding', render: (value: string | null) => value ?? '—' },
        { title: t('dataset.version.source'), dataIndex: 'sourceName', render: (value: string | null) => value ?? '—' },
        { title: t('dataset.version.loadedAt'), dataIndex: 'loadedAt', render: formatTime },
        { title: t('dataset.version.loadedBy'), dataIndex: 'loadedBy' },
        ...(manage
          ? [{
              title: t('common.actions'),
              render: (_: unknown, row: DatasetVersion) =>
                !row.current && (
                  <Space>
                    <Button size="small" onClick={() => act(() => publish({ dataset: dataset.code, version: row.version }))}>{t('dataset.version.publish')}</Button>
                    <Button size="small" danger onClick={() => modal.confirm({ title: t('dataset.version.dropConfirm', { version: row.version }), okButtonProps: { danger: true }, onOk: () => act(() => drop({ dataset: dataset.code, version: row.version })) })}>
                      {t('dataset.version.drop')}
                    </Button>
                  </Space>
                ),
            }]
          : []),
      ]}
    />
  );
}

/** The first rows the caller's department may read, masked and scoped by the API as policy says. */
function Preview({ dataset, fields }: { dataset: DatasetDetail; fields: string[] }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }] = useQuery<RecordsData>({ query: RECORDS, variables: { dataset: dataset.code, fields, first: 20 }, requestPolicy: 'network-only' });
  if (error) return <Alert type="error" showIcon title={describeError(error)} />;
  const titles = new Map(dataset.fields.map((field) => [field.name, field.title]));
  const rows = data?.records.nodes ?? [];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('dataset.previewRows', { count: rows.length })}</Typography.Paragraph>
      <Table<Record<string, unknown>>
        data-testid="preview"
        rowKey={(_row, index) => String(index)}
        size="small"
        loading={fetching}
        scroll={{ x: true }}
        pagination={false}
        dataSource={rows}
        columns={fields.map((name) => ({ title: titles.get(name) ?? name, dataIndex: name, render: (value: unknown) => (value === null || value === undefined ? '' : String(value)) }))}
      />
    </>
  );
}

function RequestAccessModal({ dataset, onClose }: { dataset: DatasetDetail; onClose: (sent: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ fields: string[]; purpose: string; useScope?: string; legalBasis?: string; validUntil?: Dayjs }>();
  const [{ fetching }, requestAccess] = useMutation(REQUEST_ACCESS);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const values = await form.validateFields();
    const result = await requestAccess({
      input: {
        dataset: dataset.code,
        fields: values.fields,
        purpose: values.purpose,
        useScope: values.useScope || null,
        legalBasis: values.legalBasis || null,
        validUntil: values.validUntil ? values.validUntil.endOf('day').toISOString() : null,
      },
    });
    if (result.error) {
      setError(describeError(result.error));
      return;
    }
    void message.success(t('request.submitted'));
    onClose(true);
  };
  return (
    <Modal open title={`${t('request.title')} · ${dataset.title}`} width={640} okText={t('request.submit')} confirmLoading={fetching} onOk={submit} onCancel={() => onClose(false)}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={{ fields: [] }}>
        <Form.Item name="fields" label={t('request.fields')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Checkbox.Group options={dataset.fields.map((field) => ({ value: field.name, label: `${field.title} (${field.name})` }))} />
        </Form.Item>
        <Form.Item name="purpose" label={t('request.purpose')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="useScope" label={t('request.useScope')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="legalBasis" label={t('request.legalBasis')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="validUntil" label={t('request.validUntil')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}

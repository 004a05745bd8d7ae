import { Alert, App, Button, Card, Divider, Form, Result, Space, Spin, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../api';
import { FieldRows, fieldInput, MetadataItems, type FieldValues } from '../datasetForm';
import { showProblemsOnForm } from '../formProblems';
import { useMe } from '../hooks';
import { DATASET, DEFINE_FIELDS, UPDATE_DATASET, type DatasetData, type DatasetDetail } from '../operations';

const METADATA_ITEMS = ['title', 'titleEn', 'summary', 'category', 'theme', 'keywords', 'sharingType', 'sharingBasis', 'sharingCondition', 'openType', 'openCondition', 'updateCycle'] as const;
type Metadata = Record<(typeof METADATA_ITEMS)[number], string | string[] | null>;

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** The provider's steward edits a dataset's catalogue entry (updateDataset) and its fields (defineFields). */
export default function DatasetEdit() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const me = useMe();
  const [{ data, error, fetching }, refetch] = useQuery<DatasetData>({ query: DATASET, variables: { code }, requestPolicy: 'network-only' });
  if (fetching && !data) return <Spin />;
  if (error || !data) return <Result status="warning" title={describeError(error)} />;
  const dataset = data.dataset;
  // The API refuses anyone else; the page offers nothing to them either.
  if (me.department?.code !== dataset.providerDepartment.code) return <Result status="403" title={t('common.forbidden')} />;
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <Card
      title={
        <Space>
          <span>{t('edit.title')}</span>
          <span data-testid="dataset-title">{dataset.title}</span>
          <Typography.Text type="secondary">{dataset.code}</Typography.Text>
        </Space>
      }
      extra={<Link to={`/catalogue/${encodeURIComponent(dataset.code)}`}>{t('edit.back')}</Link>}
    >
      <Tabs
        items={[
          { key: 'metadata', label: t('edit.metadata'), children: <MetadataForm dataset={dataset} onSaved={reload} /> },
          { key: 'fields', label: t('edit.fields'), children: <FieldsForm dataset={dataset} onSaved={reload} /> },
        ]}
      />
    </Card>
  );
}

function MetadataForm({ dataset, onSaved }: { dataset: DatasetDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Metadata>();
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, update] = useMutation(UPDATE_DATASET);
  const initial = Object.fromEntries(METADATA_ITEMS.map((item) => [item, (dataset as unknown as Record<string, unknown>)[item] ?? null]));

  const submit = async (values: Metadata) => {
    setError(null);
    const input = Object.fromEntries(METADATA_ITEMS.map((item) => [item, Array.isArray(values[item]) ? values[item] : text(values[item])]));
    const result = await update({ code: dataset.code, input });
    if (result.error) {
      showProblemsOnForm(form, result.error, (name) => (METADATA_ITEMS as readonly string[]).includes(String(name[0])));
      setError(describeError(result.error));
      return;
    }
    void message.success(t('edit.saved'));
    onSaved();
  };

  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={submit}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="edit-error" />}
      <MetadataItems />
      <Button type="primary" htmlType="submit" loading={fetching}>{t('edit.saveMetadata')}</Button>
    </Form>
  );
}

function FieldsForm({ dataset, onSaved }: { dataset: DatasetDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ fields: FieldValues[] }>();
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, define] = useMutation(DEFINE_FIELDS);
  const initial = {
    // A field as strict as its dataset follows the dataset's sharing type.
    fields: dataset.fields.map((field) => ({ ...field, sharingType: field.sharingType === dataset.sharingType ? null : field.sharingType })),
  };

  const submit = async (values: { fields: FieldValues[] }) => {
    setError(null);
    const result = await define({ dataset: dataset.code, fields: (values.fields ?? []).map(fieldInput) });
    if (result.error) {
      showProblemsOnForm(form, result.error, (name) => name[0] === 'fields' && typeof name[1] === 'number' && name.length === 3, 'fields');
      setError(describeError(result.error));
      return;
    }
    void message.success(t('edit.saved'));
    onSaved();
  };

  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={submit}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="fields-error" />}
      <Alert type="info" showIcon title={t('edit.fieldsHint')} style={{ marginBottom: 16 }} />
      <FieldRows details />
      <Divider />
      <Button type="primary" htmlType="submit" loading={fetching}>{t('edit.saveFields')}</Button>
    </Form>
  );
}

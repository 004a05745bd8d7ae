import { Alert, App, AutoComplete, Button, Checkbox, DatePicker, Divider, Input, Modal, Radio, Select, Space, Table, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient, useMutation } from 'urql';
import { describeError } from '../api';
import { APPROVE, RECORDS, type AccessRequest, type RecordsData } from '../operations';
import { buildRowScope, CONSUMER_DIVISION, OPERATORS, parseRowScope, resolveConsumer, type Condition } from '../rowScope';

type Level = 'CLEAR' | 'MASKED' | 'HIDDEN';

/**
 * The provider's answer, in the manner of Hasura's permission editor: each requested field clear,
 * masked or hidden; a row scope built from conditions (or written as JSON); the grant's end.
 */
export function ApprovalForm({ request, onClose }: { request: AccessRequest; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fields = request.dataset.fields.filter((field) => request.fields.includes(field.name));
  const [levels, setLevels] = useState<Record<string, Level>>(() =>
    Object.fromEntries(fields.map((field) => [field.name, field.mask !== 'NONE' && field.sensitivity === 'SENSITIVE' ? 'MASKED' : 'CLEAR'])),
  );
  const [conditions, setConditions] = useState<Condition[]>([]);
  const [scopeMode, setScopeMode] = useState<'builder' | 'json'>('builder');
  const [rawScope, setRawScope] = useState('');
  const [validUntil, setValidUntil] = useState<Dayjs | null>(null);
  const [requirePurpose, setRequirePurpose] = useState(false);
  const [aggregateOnly, setAggregateOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, approve] = useMutation(APPROVE);
  const client = useClient();
  const [preview, setPreview] = useState<{ rows: Record<string, unknown>[]; error?: string } | null>(null);
  const fieldTypes = useMemo(() => Object.fromEntries(request.dataset.fields.map((field) => [field.name, field.type])), [request]);

  const scope = scopeMode === 'builder' ? { scope: buildRowScope(conditions, fieldTypes) } : parseRowScope(rawScope);
  const granted = fields.filter((field) => levels[field.name] !== 'HIDDEN').map((field) => field.name);
  const masked = granted.filter((name) => levels[name] === 'MASKED');

  const submit = async () => {
    setError(null);
    if ('error' in scope) return setError(`${t('approve.invalidJson')}: ${scope.error}`);
    if (granted.length === 0) return setError(t('approve.noFields'));
    const result = await approve({
      id: request.id,
      input: { fields: granted, masked, rowScope: scope.scope, validUntil: validUntil ? validUntil.endOf('day').toISOString() : null, requirePurpose, aggregateOnly },
    });
    if (result.error) return setError(describeError(result.error));
    void message.success(t('request.approved'));
    onClose(true);
  };

  /**
   * What the consumer would see: the provider's own query of the granted fields under the scope as
   * it applies to this consumer. Masked fields are shown as masked here (the provider reads them in
   * clear, so the console does not show their values).
   */
  const runPreview = async () => {
    if ('error' in scope) return setPreview({ rows: [], error: `${t('approve.invalidJson')}: ${scope.error}` });
    if (granted.length === 0) return setPreview({ rows: [], error: t('approve.noFields') });
    const where = scope.scope ? resolveConsumer(scope.scope, { divisionCode: request.consumerDepartment.divisionCode }) : null;
    const result = await client.query<RecordsData>(RECORDS, { dataset: request.datasetCode, fields: granted, first: 5, where }, { requestPolicy: 'network-only' }).toPromise();
    if (result.error || !result.data) return setPreview({ rows: [], error: describeError(result.error) });
    setPreview({ rows: result.data.records.nodes.map((row) => Object.fromEntries(granted.map((name) => [name, masked.includes(name) ? `‹${t('access.MASKED')}›` : row[name]]))) });
  };

  const setCondition = (index: number, change: Partial<Condition>) => setConditions((all) => all.map((condition, at) => (at === index ? { ...condition, ...change } : condition)));

  return (
    <Modal open width={820} title={`${t('approve.title')} · ${request.dataset.title}`} okText={t('approve.submit')} confirmLoading={fetching} onOk={submit} onCancel={() => onClose(false)}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="approve-error" />}
      <Typography.Paragraph type="secondary">
        {request.consumerDepartment.name} · {t('request.purpose')}：{request.purpose}
      </Typography.Paragraph>
      <Typography.Title level={5}>{t('approve.fieldAccess')}</Typography.Title>
      <Table
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={fields}
        columns={[
          { title: t('dataset.field.title'), render: (_: unknown, field) => `${field.title} (${field.name})` },
          { title: t('dataset.field.mask'), dataIndex: 'mask' },
          {
            title: t('approve.fieldAccess'),
            render: (_: unknown, field) => (
              <Radio.Group
                data-testid={`level-${field.name}`}
                size="small"
                optionType="button"
                value={levels[field.name]}
                onChange={(event) => setLevels((all) => ({ ...all, [field.name]: event.target.value as Level }))}
                options={(['CLEAR', 'MASKED', 'HIDDEN'] as const).map((level) => ({ value: level, label: t(`access.${level}`) }))}
              />
            ),
          },
        ]}
      />
      <Divider />
      <Typography.Title level={5}>{t('approve.rowScope')}</Typography.Title>
      <Tabs
        activeKey={scopeMode}
        onChange={(key) => {
          if (key === 'json' && scopeMode === 'builder') setRawScope(JSON.stringify(buildRowScope(conditions, fieldTypes) ?? {}, null, 2));
          setScopeMode(key as 'builder' | 'json');
        }}
        items={[
          {
            key: 'builder',
            label: t('approve.builder'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {conditions.map((condition, index) => (
                  <Space key={index} data-testid={`condition-${index}`}>
                    <Select style={{ width: 200 }} placeholder={t('approve.field')} value={condition.field || undefined} onChange={(field: string) => setCondition(index, { field })}
                      options={request.dataset.fields.map((field) => ({ value: field.name, label: `${field.title} (${field.name})` }))} />
                    <Select style={{ width: 90 }} value={condition.operator} onChange={(operator: Condition['operator']) => setCondition(index, { operator })} options={OPERATORS.map((op) => ({ value: op, label: op }))} />
                    <AutoComplete
                      className="cw-scope-value"
                      style={{ width: 260 }}
                      placeholder={t('approve.value')}
                      value={condition.value}
                      onChange={(value: string) => setCondition(index, { value })}
                      options={[{ value: CONSUMER_DIVISION, label: `${t('approve.consumerDivision')} (${CONSUMER_DIVISION})` }]}
                    />
                    <Button onClick={() => setConditions((all) => all.filter((_, at) => at !== index))}>×</Button>
                  </Space>
                ))}
                <Button onClick={() => setConditions((all) => [...all, { field: '', operator: 'eq', value: '' }])}>{t('approve.addCondition')}</Button>
                <Typography.Text code data-testid="scope-preview">{JSON.stringify(scope && 'scope' in scope ? scope.scope : null)}</Typography.Text>
              </Space>
            ),
          },
          {
            key: 'json',
            label: t('approve.rawJson'),
            children: <Input.TextArea rows={5} value={rawScope} onChange={(event) => setRawScope(event.target.value)} style={{ fontFamily: 'monospace' }} />,
          },
        ]}
      />
      <Divider />
      <Space wrap size="large">
        <Space>
          {t('approve.validUntil')}
          <DatePicker value={validUntil} onChange={setValidUntil} />
        </Space>
        <Checkbox checked={requirePurpose} onChange={(event) => setRequirePurpose(event.target.checked)}>{t('approve.requirePurpose')}</Checkbox>
        <Checkbox checked={aggregateOnly} onChange={(event) => setAggregateOnly(event.target.checked)}>{t('approve.aggregateOnly')}</Checkbox>
      </Space>
      <Divider />
      <Space>
        <Button onClick={runPreview}>{t('approve.preview')}</Button>
        <Typography.Text type="secondary">{t('approve.previewHint')}</Typography.Text>
      </Space>
      {preview?.error && <Alert type="error" showIcon title={preview.error} style={{ marginTop: 8 }} />}
      {preview && !preview.error && (
        <Table
          data-testid="approve-preview"
          style={{ marginTop: 8 }}
          size="small"
          pagination={false}
          rowKey={(_row, index) => String(index)}
          dataSource={preview.rows}
          columns={granted.map((name) => ({ title: name, dataIndex: name, render: (value: unknown) => (value === null || value === undefined ? '' : String(value)) }))}
        />
      )}
      <Alert
        style={{ marginTop: 16 }}
        type="info"
        title={t('approve.summary')}
        description={`${granted.map((name) => `${name}${masked.includes(name) ? `（${t('access.MASKED')}）` : ''}`).join('、') || '—'}；${t('dataset.rowScope')}：${'scope' in scope && scope.scope ? JSON.stringify(scope.scope) : t('dataset.everyRow')}`}
      />
    </Modal>
  );
}

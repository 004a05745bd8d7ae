import { Alert, App, Button, Card, Checkbox, Col, Divider, Form, Input, Row, Select, Space } from 'antd';
import { CombinedError, useMutation } from 'urql';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { describeError } from '../api';
import { CATEGORIES, OPEN_TYPES, SHARING_TYPES, UPDATE_CYCLES } from '../model';
import { REGISTER_DATASET, type RegisterDatasetData } from '../operations';

const FIELD_TYPES = ['STRING', 'INTEGER', 'DECIMAL', 'DATE', 'DATETIME', 'BOOLEAN', 'JSON'];
const SENSITIVITIES = ['PUBLIC', 'INTERNAL', 'SENSITIVE', 'SECRET'];
const MASKS = ['NONE', 'NAME', 'ID_CARD', 'PHONE', 'EMAIL', 'ADDRESS', 'LAST4', 'YEAR_ONLY', 'HASH', 'REDACT'];

interface Values {
  code: string; title: string; titleEn?: string; summary: string; category: string; theme?: string; keywords?: string[];
  sharingType: string; sharingBasis?: string; sharingCondition?: string; openType: string; openCondition?: string; updateCycle: string;
  fields: { name: string; title: string; type: string; sensitivity: string; mask: string; isKey?: boolean }[];
}

/** input.fields[2].name → ['fields', 2, 'name']: the form item the API's problem is about. */
function formPath(field: string): (string | number)[] {
  return field.replace(/^input\./, '').split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** A provider's steward registers a dataset (DRAFT); the API's validation messages land on the form's fields. */
export default function Register() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, register] = useMutation<RegisterDatasetData>(REGISTER_DATASET);
  const empty = (value?: string) => (value && value.trim() ? value.trim() : null);

  const submit = async (values: Values) => {
    setError(null);
    const result = await register({
      input: {
        code: values.code.trim(), title: values.title.trim(), titleEn: empty(values.titleEn), summary: values.summary.trim(), category: values.category,
        theme: empty(values.theme), keywords: values.keywords ?? [], sharingType: values.sharingType, sharingBasis: empty(values.sharingBasis),
        sharingCondition: empty(values.sharingCondition), openType: values.openType, openCondition: empty(values.openCondition), updateCycle: values.updateCycle,
        // A key field is never empty; other fields may be.
        fields: values.fields.map((field) => ({ ...field, isKey: field.isKey ?? false, nullable: !field.isKey })),
      },
    });
    if (result.error || !result.data) {
      setError(describeError(result.error));
      const problems = result.error instanceof CombinedError ? result.error.graphQLErrors.flatMap((e) => (e.extensions?.problems as { field: string; message: string }[] | undefined) ?? []) : [];
      form.setFields(problems.map((problem) => ({ name: formPath(problem.field) as never, errors: [problem.message] })));
      return;
    }
    void message.success(t('register.created'));
    navigate(`/catalogue/${encodeURIComponent(result.data.registerDataset.code)}`);
  };

  const select = (values: readonly string[], prefix?: string) => values.map((value) => ({ value, label: prefix ? t(`${prefix}.${value}`) : value }));
  return (
    <Card title={t('register.title')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="register-error" />}
      <Form form={form} layout="vertical" onFinish={submit}
        initialValues={{ category: '部门', sharingType: 'CONDITIONAL', openType: 'CLOSED', updateCycle: 'MONTHLY', fields: [{ name: '', title: '', type: 'STRING', sensitivity: 'INTERNAL', mask: 'NONE', isKey: true }] }}>
        <Row gutter={16}>
          <Col span={8}><Form.Item name="code" label={t('dataset.code')} rules={[{ required: true }]}><Input placeholder="DG-EDU-SCHOOLS" /></Form.Item></Col>
          <Col span={8}><Form.Item name="title" label={t('dataset.title')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col span={8}><Form.Item name="titleEn" label="Title (English)"><Input /></Form.Item></Col>
          <Col span={24}><Form.Item name="summary" label={t('dataset.summary')} rules={[{ required: true }]}><Input.TextArea rows={2} /></Form.Item></Col>
          <Col span={6}><Form.Item name="category" label={t('filter.category')}><Select options={select(CATEGORIES)} /></Form.Item></Col>
          <Col span={6}><Form.Item name="theme" label={t('dataset.theme')}><Input /></Form.Item></Col>
          <Col span={12}><Form.Item name="keywords" label={t('dataset.keywords')}><Select mode="tags" /></Form.Item></Col>
          <Col span={6}><Form.Item name="sharingType" label={t('filter.sharingType')}><Select options={select(SHARING_TYPES, 'sharingType')} /></Form.Item></Col>
          <Col span={9}><Form.Item name="sharingBasis" label={t('dataset.sharingBasis')}><Input /></Form.Item></Col>
          <Col span={9}><Form.Item name="sharingCondition" label={t('dataset.sharingCondition')}><Input /></Form.Item></Col>
          <Col span={6}><Form.Item name="openType" label={t('filter.openType')}><Select options={select(OPEN_TYPES, 'openType')} /></Form.Item></Col>
          <Col span={9}><Form.Item name="openCondition" label={t('dataset.openCondition')}><Input /></Form.Item></Col>
          <Col span={9}><Form.Item name="updateCycle" label={t('filter.updateCycle')}><Select options={select(UPDATE_CYCLES, 'updateCycle')} /></Form.Item></Col>
        </Row>
        <Divider titlePlacement="start">{t('dataset.fields')}</Divider>
        <Form.List name="fields">
          {(items, { add, remove }) => (
            <>
              {items.map(({ key, name }) => (
                <Space key={key} align="start" wrap>
                  <Form.Item name={[name, 'name']} rules={[{ required: true }]}><Input placeholder={t('dataset.field.name')} style={{ width: 150 }} /></Form.Item>
                  <Form.Item name={[name, 'title']} rules={[{ required: true }]}><Input placeholder={t('dataset.field.title')} style={{ width: 180 }} /></Form.Item>
                  <Form.Item name={[name, 'type']}><Select style={{ width: 120 }} options={select(FIELD_TYPES)} /></Form.Item>
                  <Form.Item name={[name, 'sensitivity']}><Select style={{ width: 110 }} options={select(SENSITIVITIES, 'sensitivity')} /></Form.Item>
                  <Form.Item name={[name, 'mask']}><Select style={{ width: 120 }} options={select(MASKS)} /></Form.Item>
                  <Form.Item name={[name, 'isKey']} valuePropName="checked"><Checkbox>{t('dataset.field.key')}</Checkbox></Form.Item>
                  <Button onClick={() => remove(name)}>×</Button>
                </Space>
              ))}
              <Button onClick={() => add({ name: '', title: '', type: 'STRING', sensitivity: 'INTERNAL', mask: 'NONE', isKey: false })}>{t('register.addField')}</Button>
            </>
          )}
        </Form.List>
        <Divider />
        <Button type="primary" htmlType="submit" loading={fetching}>{t('register.submit')}</Button>
      </Form>
    </Card>
  );
}

import { Alert, App, Button, Card, Col, Divider, Form, Input, Row } from 'antd';
import { useMutation } from 'urql';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { describeError } from '../api';
import { FieldRows, fieldInput, MetadataItems, NEW_FIELD, type FieldValues } from '../datasetForm';
import { showProblemsOnForm } from '../formProblems';
import { REGISTER_DATASET, type RegisterDatasetData } from '../operations';

interface Values {
  code: string; title: string; titleEn?: string; summary: string; category: string; theme?: string; keywords?: string[];
  sharingType: string; sharingBasis?: string; sharingCondition?: string; openType: string; openCondition?: string; updateCycle: string;
  fields: FieldValues[];
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
        fields: values.fields.map(fieldInput),
      },
    });
    if (result.error || !result.data) {
      setError(describeError(result.error));
      showProblemsOnForm(form, result.error, () => true);
      return;
    }
    void message.success(t('register.created'));
    navigate(`/catalogue/${encodeURIComponent(result.data.registerDataset.code)}`);
  };

  return (
    <Card title={t('register.title')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="register-error" />}
      <Form form={form} layout="vertical" onFinish={submit}
        initialValues={{ category: '部门', sharingType: 'CONDITIONAL', openType: 'CLOSED', updateCycle: 'MONTHLY', fields: [{ ...NEW_FIELD, isKey: true }] }}>
        <Row gutter={16}>
          <Col span={8}><Form.Item name="code" label={t('dataset.code')} rules={[{ required: true }]}><Input placeholder="DG-EDU-SCHOOLS" /></Form.Item></Col>
        </Row>
        <MetadataItems />
        <Divider titlePlacement="start">{t('dataset.fields')}</Divider>
        <FieldRows />
        <Divider />
        <Button type="primary" htmlType="submit" loading={fetching}>{t('register.submit')}</Button>
      </Form>
    </Card>
  );
}

import { Button, Checkbox, Col, Form, Input, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, OPEN_TYPES, SHARING_TYPES, UPDATE_CYCLES } from './model';

const FIELD_TYPES = ['STRING', 'INTEGER', 'DECIMAL', 'DATE', 'DATETIME', 'BOOLEAN', 'JSON'];
const SENSITIVITIES = ['PUBLIC', 'INTERNAL', 'SENSITIVE', 'SECRET'];
const MASKS = ['NONE', 'NAME', 'ID_CARD', 'PHONE', 'EMAIL', 'ADDRESS', 'LAST4', 'YEAR_ONLY', 'HASH', 'REDACT'];

/** One 信息项 as the forms hold it; `sharingType` empty: the dataset's. */
export interface FieldValues {
  name: string; title: string; type: string; sensitivity: string; mask: string; isKey?: boolean;
  sharingType?: string | null; unit?: string | null; description?: string | null;
}

export const NEW_FIELD: FieldValues = { name: '', title: '', type: 'STRING', sensitivity: 'INTERNAL', mask: 'NONE', isKey: false };

const text = (value?: string | null) => (value && value.trim() ? value.trim() : null);

/** The API's FieldInput of a form row: a key field is never empty, other fields may be. */
export function fieldInput(field: FieldValues) {
  return {
    name: field.name.trim(), title: field.title.trim(), type: field.type, sensitivity: field.sensitivity, mask: field.mask,
    isKey: field.isKey ?? false, nullable: !field.isKey, sharingType: field.sharingType || null, unit: text(field.unit), description: text(field.description),
  };
}

export function useOptions() {
  const { t } = useTranslation();
  return (values: readonly string[], prefix?: string) => values.map((value) => ({ value, label: prefix ? t(`${prefix}.${value}`) : value }));
}

/** The catalogue metadata items shared by registering and editing (the code is the caller's). */
export function MetadataItems() {
  const { t } = useTranslation();
  const select = useOptions();
  return (
    <Row gutter={16}>
      <Col span={12}><Form.Item name="title" label={t('dataset.title')} rules={[{ required: true }]}><Input /></Form.Item></Col>
      <Col span={12}><Form.Item name="titleEn" label="Title (English)"><Input /></Form.Item></Col>
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
  );
}

/** The field rows (Form.List `fields`): the API's problem about `fields[i].x` shows under that row's item. */
export function FieldRows({ details = false }: { details?: boolean }) {
  const { t } = useTranslation();
  const select = useOptions();
  return (
    <Form.List name="fields">
      {(items, { add, remove }) => (
        <>
          {items.map(({ key, name }) => (
            // A grid, not a wrapping row: a long message under one item stays in its column.
            <Row key={key} gutter={8} align="top" wrap={false} data-testid={`field-row-${name}`}>
              <Col flex="140px"><Form.Item name={[name, 'name']} rules={[{ required: true }]}><Input placeholder={t('dataset.field.name')} /></Form.Item></Col>
              <Col flex="170px"><Form.Item name={[name, 'title']} rules={[{ required: true }]}><Input placeholder={t('dataset.field.title')} /></Form.Item></Col>
              <Col flex="115px"><Form.Item name={[name, 'type']}><Select options={select(FIELD_TYPES)} /></Form.Item></Col>
              <Col flex="100px"><Form.Item name={[name, 'sensitivity']}><Select options={select(SENSITIVITIES, 'sensitivity')} /></Form.Item></Col>
              <Col flex="190px"><Form.Item name={[name, 'mask']}><Select options={select(MASKS)} /></Form.Item></Col>
              {details && (
                <>
                  <Col flex="150px"><Form.Item name={[name, 'sharingType']}><Select allowClear placeholder={t('dataset.field.sharingDefault')} options={select(SHARING_TYPES, 'sharingType')} /></Form.Item></Col>
                  <Col flex="80px"><Form.Item name={[name, 'unit']}><Input placeholder={t('dataset.field.unit')} /></Form.Item></Col>
                  <Col flex="auto"><Form.Item name={[name, 'description']}><Input placeholder={t('dataset.field.description')} /></Form.Item></Col>
                </>
              )}
              <Col flex="80px"><Form.Item name={[name, 'isKey']} valuePropName="checked"><Checkbox>{t('dataset.field.key')}</Checkbox></Form.Item></Col>
              <Col flex="40px"><Button onClick={() => remove(name)} aria-label={t('edit.removeField')}>×</Button></Col>
            </Row>
          ))}
          <div><Button onClick={() => add({ ...NEW_FIELD })}>{t('register.addField')}</Button></div>
        </>
      )}
    </Form.List>
  );
}

import { Alert, App, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Table, Tabs, Tag, Tree, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../api';
import { formatTime, useMe } from '../hooks';
import { type Role } from '../model';
import {
  CREATE_DEPARTMENT,
  CREATE_USER,
  DEPARTMENTS,
  DISABLE_USER,
  ENABLE_USER,
  RESET_PASSWORD,
  USERS,
  type Department,
  type DepartmentsData,
  type ResetPasswordData,
  type User,
  type UsersData,
} from '../operations';

// People take these roles; CONSUMER belongs to system clients.
const PERSON_ROLES: Role[] = ['ADMIN', 'STEWARD', 'AUDITOR', 'ANALYST'];

interface TreeNode { key: string; title: string; children: TreeNode[] }

/** Departments as the tree their parent codes make (roots: no parent, or a parent not listed). */
export function departmentTree(departments: Department[]): TreeNode[] {
  const codes = new Set(departments.map((department) => department.code));
  const node = (department: Department): TreeNode => ({
    key: department.code,
    title: `${department.name} (${department.code})`,
    children: departments.filter((child) => child.parentCode === department.code).map(node),
  });
  return departments.filter((department) => !department.parentCode || !codes.has(department.parentCode)).map(node);
}

/** Administrators: departments (tree by parent) and people (create, disable and enable, reset a password). */
export default function Organisation() {
  const { t } = useTranslation();
  return (
    <Card title={t('nav.organisation')}>
      <Tabs items={[{ key: 'departments', label: t('org.departments'), children: <Departments /> }, { key: 'people', label: t('org.people'), children: <People /> }]} />
    </Card>
  );
}

function Departments() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [{ data }, refetch] = useQuery<DepartmentsData>({ query: DEPARTMENTS, requestPolicy: 'network-only' });
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ code: string; name: string; nameEn?: string; parentCode?: string; divisionCode?: string }>();
  const [{ fetching }, create] = useMutation(CREATE_DEPARTMENT);
  const departments = data?.departments ?? [];
  const submit = async () => {
    const values = await form.validateFields();
    const result = await create({ input: { ...values, nameEn: values.nameEn || null, parentCode: values.parentCode || null, divisionCode: values.divisionCode || null } });
    if (result.error) return setError(describeError(result.error));
    setCreating(false);
    form.resetFields();
    void message.success(t('common.done'));
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <>
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => { setError(null); setCreating(true); }}>{t('org.createDepartment')}</Button>
      {departments.length > 0 && <Tree defaultExpandAll treeData={departmentTree(departments)} selectable={false} />}
      <Modal open={creating} title={t('org.createDepartment')} okText={t('common.save')} confirmLoading={fetching} onOk={submit} onCancel={() => setCreating(false)}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Row gutter={12}>
            <Col span={12}><Form.Item name="code" label={t('dataset.code')} rules={[{ required: true }]}><Input placeholder="DG-EDU" /></Form.Item></Col>
            <Col span={12}><Form.Item name="divisionCode" label={t('org.division')}><Input placeholder="440100" /></Form.Item></Col>
          </Row>
          <Form.Item name="name" label={t('org.name')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="nameEn" label="Name (English)"><Input /></Form.Item>
          <Form.Item name="parentCode" label={t('org.parent')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={departments.map((department) => ({ value: department.code, label: `${department.name} (${department.code})` }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function People() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [{ data, fetching }, refetch] = useQuery<UsersData>({ query: USERS, requestPolicy: 'network-only' });
  const [{ data: departments }] = useQuery<DepartmentsData>({ query: DEPARTMENTS });
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ department: string; email: string; displayName: string; roles: Role[]; password: string }>();
  const [{ fetching: saving }, create] = useMutation(CREATE_USER);
  const [, disable] = useMutation(DISABLE_USER);
  const [, enable] = useMutation(ENABLE_USER);
  const [, reset] = useMutation<ResetPasswordData>(RESET_PASSWORD);
  const [temporary, setTemporary] = useState<{ email: string; password: string } | null>(null);
  const me = useMe();
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const askDisable = (user: User) => {
    let reason = '';
    modal.confirm({
      title: t('org.disableConfirm', { name: `${user.displayName} (${user.email})` }),
      content: <Input.TextArea data-testid="reason" rows={3} maxLength={500} placeholder={t('org.disableReason')} onChange={(event) => (reason = event.target.value)} />,
      okButtonProps: { danger: true },
      onOk: async () => {
        const result = await disable({ id: user.id, reason: reason.trim() || t('org.disableReasonDefault') });
        if (result.error) return void message.error(describeError(result.error));
        void message.success(t('org.disabledDone', { name: user.displayName }));
        reload();
      },
    });
  };
  const doEnable = async (user: User) => {
    const result = await enable({ id: user.id });
    if (result.error) return void message.error(describeError(result.error));
    void message.success(t('org.enabledDone', { name: user.displayName }));
    reload();
  };
  const askReset = (user: User) => {
    modal.confirm({
      title: t('org.resetConfirm', { name: `${user.displayName} (${user.email})` }),
      content: t('org.resetHint'),
      onOk: async () => {
        const result = await reset({ id: user.id });
        if (result.error || !result.data) return void message.error(describeError(result.error));
        setTemporary({ email: user.email, password: result.data.resetUserPassword.temporaryPassword });
        reload();
      },
    });
  };

  const submit = async () => {
    const values = await form.validateFields();
    const result = await create({ input: values });
    if (result.error) return setError(describeError(result.error));
    setCreating(false);
    form.resetFields();
    void message.success(t('common.done'));
    reload();
  };
  return (
    <>
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => { setError(null); setCreating(true); }}>{t('org.createPerson')}</Button>
      <Table<User>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={data?.users ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('org.displayName'), dataIndex: 'displayName' },
          { title: t('login.email'), dataIndex: 'email' },
          { title: t('me.department'), render: (_: unknown, user) => user.department.name },
          { title: t('me.roles'), dataIndex: 'roles', render: (roles: Role[]) => roles.map((role) => <Tag key={role}>{t(`role.${role}`)}</Tag>) },
          {
            title: t('dataset.status'),
            render: (_: unknown, user) => (
              <>
                {user.active ? <Tag color="green">{t('clients.active')}</Tag> : <Tag color="red">{t('org.disabled')}</Tag>}
                {user.mustChangePassword && <Tag color="orange">{t('org.mustChange')}</Tag>}
              </>
            ),
          },
          { title: t('org.lastLogin'), dataIndex: 'lastLoginAt', render: formatTime },
          {
            title: t('common.actions'),
            render: (_: unknown, user) => (
              <Space size="small">
                {user.id !== me.id && (user.active ? (
                  <Button size="small" danger onClick={() => askDisable(user)}>{t('org.disable')}</Button>
                ) : (
                  <Button size="small" onClick={() => void doEnable(user)}>{t('org.enable')}</Button>
                ))}
                <Button size="small" onClick={() => askReset(user)}>{t('org.resetPassword')}</Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={temporary !== null} title={t('org.temporaryTitle', { email: temporary?.email ?? '' })} footer={<Button type="primary" onClick={() => setTemporary(null)}>{t('common.close')}</Button>} onCancel={() => setTemporary(null)}>
        <Alert type="warning" showIcon title={t('org.temporaryOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: temporary?.password ?? '' }} code data-testid="temporary-password" style={{ fontSize: 18 }}>{temporary?.password}</Typography.Paragraph>
      </Modal>
      <Modal open={creating} title={t('org.createPerson')} okText={t('common.save')} confirmLoading={saving} onOk={submit} onCancel={() => setCreating(false)}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" initialValues={{ roles: ['STEWARD'] }}>
          <Form.Item name="department" label={t('me.department')} rules={[{ required: true }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={(departments?.departments ?? []).map((department) => ({ value: department.code, label: `${department.name} (${department.code})` }))} />
          </Form.Item>
          <Form.Item name="displayName" label={t('org.displayName')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="email" label={t('login.email')} rules={[{ required: true, type: 'email' }]}><Input /></Form.Item>
          <Form.Item name="roles" label={t('me.roles')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Select mode="multiple" options={PERSON_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, min: 12 }]}><Input.Password autoComplete="new-password" /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../api';
import { formatTime } from '../hooks';
import { ROLES, type Role } from '../model';
import { CREATE_CLIENT, DEPARTMENTS, REVOKE_CLIENT, SYSTEM_CLIENTS, type CreateClientData, type DepartmentsData, type SystemClient, type SystemClientsData } from '../operations';

interface NewClient { department: string; name: string; roles: Role[]; expiresAt?: Dayjs; cidrs?: string }

/** Administrators create system clients (the key is shown once, to copy) and revoke them. */
export default function Clients() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [{ data, fetching, error }, refetch] = useQuery<SystemClientsData>({ query: SYSTEM_CLIENTS, requestPolicy: 'network-only' });
  const [{ data: departments }] = useQuery<DepartmentsData>({ query: DEPARTMENTS });
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [form] = Form.useForm<NewClient>();
  const [{ fetching: saving }, create] = useMutation<CreateClientData>(CREATE_CLIENT);
  const [, revoke] = useMutation(REVOKE_CLIENT);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const submit = async () => {
    const values = await form.validateFields();
    setCreateError(null);
    const allowedCidrs = (values.cidrs ?? '').split(/\s+/).filter(Boolean);
    const result = await create({
      input: { department: values.department, name: values.name, roles: values.roles, expiresAt: values.expiresAt ? values.expiresAt.toISOString() : null, allowedCidrs: allowedCidrs.length ? allowedCidrs : null },
    });
    if (result.error || !result.data) return setCreateError(describeError(result.error));
    setCreating(false);
    form.resetFields();
    setNewKey(result.data.createSystemClient.key);
    void message.success(t('clients.created'));
    reload();
  };

  const askRevoke = (client: SystemClient) => {
    let reason = '';
    modal.confirm({
      title: `${t('clients.revoke')} · ${client.name}`,
      content: <Input.TextArea data-testid="reason" rows={3} maxLength={500} placeholder={t('clients.revokeReason')} onChange={(event) => (reason = event.target.value)} />,
      okButtonProps: { danger: true },
      onOk: async () => {
        const result = await revoke({ id: client.id, reason: reason.trim() || 'revoked by an administrator' });
        if (result.error) return void message.error(describeError(result.error));
        void message.success(t('clients.revoked'));
        reload();
      },
    });
  };

  return (
    <Card title={t('clients.title')} extra={<Button type="primary" onClick={() => setCreating(true)}>{t('clients.create')}</Button>}>
      {error && <Alert type="error" title={describeError(error)} />}
      <Table<SystemClient>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={data?.systemClients ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('clients.name'), dataIndex: 'name' },
          { title: t('clients.department'), render: (_: unknown, client) => client.department.name },
          { title: t('clients.keyPrefix'), dataIndex: 'keyPrefix', render: (prefix: string) => <Typography.Text code>{prefix}</Typography.Text> },
          { title: t('clients.roles'), dataIndex: 'roles', render: (roles: Role[]) => roles.map((role) => <Tag key={role}>{t(`role.${role}`)}</Tag>) },
          { title: t('clients.expiresAt'), dataIndex: 'expiresAt', render: formatTime },
          { title: t('clients.lastUsedAt'), dataIndex: 'lastUsedAt', render: formatTime },
          { title: t('dataset.status'), render: (_: unknown, client) => (client.revokedAt ? <Tag color="red">{t('clients.revoked')}</Tag> : <Tag color="green">{t('clients.active')}</Tag>) },
          { title: t('common.actions'), render: (_: unknown, client) => !client.revokedAt && <Button size="small" danger onClick={() => askRevoke(client)}>{t('clients.revoke')}</Button> },
        ]}
      />
      <Modal open={creating} title={t('clients.create')} okText={t('common.save')} confirmLoading={saving} onOk={submit} onCancel={() => setCreating(false)}>
        {createError && <Alert type="error" showIcon title={createError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" initialValues={{ roles: ['CONSUMER'] }}>
          <Form.Item name="department" label={t('clients.department')} rules={[{ required: true }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={(departments?.departments ?? []).map((department) => ({ value: department.code, label: `${department.name} (${department.code})` }))} />
          </Form.Item>
          <Form.Item name="name" label={t('clients.name')} rules={[{ required: true }, { pattern: /^[a-z0-9._-]{2,64}$/, message: t('clients.namePattern') }]}>
            <Input maxLength={64} placeholder="tax-collection" />
          </Form.Item>
          <Form.Item name="roles" label={t('clients.roles')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Select mode="multiple" options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} />
          </Form.Item>
          <Form.Item name="expiresAt" label={t('clients.expiresAt')}>
            <DatePicker showTime />
          </Form.Item>
          <Form.Item name="cidrs" label={t('clients.cidrs')}>
            <Input.TextArea rows={2} placeholder="10.12.0.0/16" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={newKey !== null} title={t('clients.keyTitle')} footer={<Button type="primary" onClick={() => setNewKey(null)}>{t('common.close')}</Button>} onCancel={() => setNewKey(null)}>
        <Alert type="warning" showIcon title={t('clients.keyOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: newKey ?? '' }} code data-testid="new-key">{newKey}</Typography.Paragraph>
      </Modal>
    </Card>
  );
}

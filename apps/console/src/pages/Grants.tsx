import { App, Button, Card, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../api';
import { formatTime, hasRole, useMe } from '../hooks';
import { GRANTS, REVOKE_GRANT, type Grant, type GrantsData } from '../operations';

const STATUS_COLOURS: Record<string, string> = { ACTIVE: 'green', EXPIRED: 'default', REVOKED: 'red' };

/** Grants my department holds and grants on my department's datasets; a provider's steward revokes. */
export default function Grants() {
  const { t } = useTranslation();
  const me = useMe();
  const { message, modal } = App.useApp();
  const [{ data, fetching, error }, refetch] = useQuery<GrantsData>({ query: GRANTS, requestPolicy: 'network-only' });
  const [, revoke] = useMutation(REVOKE_GRANT);
  const mayRevoke = (grant: Grant) => grant.status === 'ACTIVE' && hasRole(me, 'STEWARD') && grant.dataset.providerDepartment.code === me.department?.code;

  const askRevoke = (grant: Grant) => {
    let reason = '';
    modal.confirm({
      title: t('grant.revokeReason'),
      content: <Input.TextArea data-testid="reason" rows={3} maxLength={500} onChange={(event) => (reason = event.target.value)} />,
      okButtonProps: { danger: true },
      onOk: async () => {
        if (!reason.trim()) throw new Error('reason required');
        const result = await revoke({ id: grant.id, reason: reason.trim() });
        if (result.error) return void message.error(describeError(result.error));
        void message.success(t('grant.revoked'));
        refetch({ requestPolicy: 'network-only' });
      },
    });
  };

  const list = (
    <Table<Grant>
      rowKey="id"
      size="middle"
      loading={fetching}
      dataSource={data?.grants ?? []}
      pagination={{ pageSize: 20 }}
      columns={[
        { title: t('request.dataset'), render: (_: unknown, grant) => <Link to={`/catalogue/${encodeURIComponent(grant.datasetCode)}`}>{grant.dataset.title}</Link> },
        { title: t('grant.consumer'), render: (_: unknown, grant) => grant.consumerDepartment.name },
        {
          title: t('grant.fields'),
          render: (_: unknown, grant) => (
            <Space size={[0, 4]} wrap>
              {grant.fields.map((field) => <Tag key={field.field} color={field.access === 'MASKED' ? 'orange' : 'green'}>{field.field}</Tag>)}
            </Space>
          ),
        },
        { title: t('dataset.rowScope'), render: (_: unknown, grant) => (grant.rowScope ? <Typography.Text code>{JSON.stringify(grant.rowScope)}</Typography.Text> : t('dataset.everyRow')) },
        { title: t('dataset.validUntil'), render: (_: unknown, grant) => (grant.validUntil ? formatTime(grant.validUntil) : t('dataset.noEnd')) },
        { title: t('dataset.status'), dataIndex: 'status', render: (status: string) => <Tag color={STATUS_COLOURS[status]}>{t(`status.${status}`)}</Tag> },
        { title: t('common.actions'), render: (_: unknown, grant) => mayRevoke(grant) && <Button size="small" danger onClick={() => askRevoke(grant)}>{t('grant.revoke')}</Button> },
      ]}
    />
  );

  return (
    <Card title={t('nav.grants')}>
      {error && <Typography.Text type="danger">{describeError(error)}</Typography.Text>}
      <Tabs items={[
        { key: 'list', label: t('nav.grants'), children: list },
        { key: 'matrix', label: t('grant.matrix'), children: <GrantMatrix grants={data?.grants ?? []} /> },
      ]} />
    </Card>
  );
}

/** Consumer department × dataset: which grants are in force (a revoked or expired one shows as such). */
function GrantMatrix({ grants }: { grants: Grant[] }) {
  const { t } = useTranslation();
  const datasets = [...new Map(grants.map((grant) => [grant.datasetCode, grant.dataset.title])).entries()];
  const consumers = [...new Map(grants.map((grant) => [grant.consumerDepartmentCode, grant.consumerDepartment.name])).entries()];
  const cell = (consumer: string, dataset: string) => {
    const found = grants.filter((grant) => grant.consumerDepartmentCode === consumer && grant.datasetCode === dataset);
    const active = found.find((grant) => grant.status === 'ACTIVE');
    const shown = active ?? found[0];
    return shown ? <Tag color={STATUS_COLOURS[shown.status]}>{t(`status.${shown.status}`)}{active ? ` · ${active.fields.length}` : ''}</Tag> : null;
  };
  return (
    <Table
      rowKey="code"
      size="small"
      pagination={false}
      scroll={{ x: true }}
      dataSource={consumers.map(([code, name]) => ({ code, name }))}
      columns={[
        { title: t('grant.consumer'), dataIndex: 'name', fixed: 'left' as const },
        ...datasets.map(([code, title]) => ({ title, key: code, render: (_: unknown, row: { code: string }) => cell(row.code, code) })),
      ]}
    />
  );
}

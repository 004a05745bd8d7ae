import { App, Button, Card, Descriptions, Input, Modal, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../api';
import { formatTime, hasRole, useMe } from '../hooks';
import { ACCESS_REQUESTS, REJECT, WITHDRAW, type AccessRequest, type AccessRequestsData } from '../operations';
import { AnswerClockCell } from '../components/AnswerClock';
import { ApprovalForm } from './ApprovalForm';

const STATUS_COLOURS: Record<string, string> = { PENDING: 'gold', APPROVED: 'green', REJECTED: 'red', WITHDRAWN: 'default' };

/** Requests waiting on my department's datasets (the approval inbox) and those my department filed. */
export default function Requests() {
  const { t } = useTranslation();
  const me = useMe();
  const department = me.department?.code;
  const steward = hasRole(me, 'STEWARD');
  return (
    <Card title={t('nav.requests')}>
      <Tabs
        items={[
          ...(steward ? [{ key: 'inbox', label: t('request.inbox'), children: <RequestList filter={{ provider: department, status: 'PENDING' }} mode="inbox" /> }] : []),
          { key: 'mine', label: t('request.mine'), children: <RequestList filter={{ consumer: department }} mode="mine" /> },
          { key: 'all', label: t('request.all'), children: <RequestList filter={{}} mode="all" /> },
        ]}
      />
    </Card>
  );
}

function RequestList({ filter, mode }: { filter: Record<string, unknown>; mode: 'inbox' | 'mine' | 'all' }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }, refetch] = useQuery<AccessRequestsData>({ query: ACCESS_REQUESTS, variables: { filter, first: 50, after }, requestPolicy: 'network-only' });
  const [approving, setApproving] = useState<AccessRequest | null>(null);
  const [detail, setDetail] = useState<AccessRequest | null>(null);
  const [, reject] = useMutation(REJECT);
  const [, withdraw] = useMutation(WITHDRAW);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const askReason = (title: string, run: (reason: string) => Promise<{ error?: unknown }>, done: string) => {
    let reason = '';
    modal.confirm({
      title,
      content: <Input.TextArea data-testid="reason" rows={3} maxLength={500} onChange={(event) => (reason = event.target.value)} />,
      onOk: async () => {
        if (!reason.trim()) {
          void message.error(t('request.rejectReason'));
          throw new Error('reason required');
        }
        const result = await run(reason.trim());
        if (result.error) {
          void message.error(describeError(result.error));
          return;
        }
        void message.success(done);
        reload();
      },
    });
  };

  return (
    <>
      {error && <Typography.Text type="danger">{describeError(error)}</Typography.Text>}
      <Table<AccessRequest>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={data?.accessRequests.nodes ?? []}
        pagination={false}
        columns={[
          {
            title: t('request.dataset'),
            render: (_: unknown, request) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/catalogue/${encodeURIComponent(request.datasetCode)}`}>{request.dataset.title}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{request.datasetCode}</Typography.Text>
              </Space>
            ),
          },
          { title: mode === 'mine' ? t('request.provider') : t('request.consumer'), render: (_: unknown, request) => (mode === 'mine' ? request.providerDepartmentCode : request.consumerDepartment.name) },
          { title: t('request.fields'), dataIndex: 'fields', render: (fields: string[]) => fields.join(', ') },
          { title: t('request.purpose'), dataIndex: 'purpose', ellipsis: true },
          { title: t('dataset.status'), dataIndex: 'status', render: (status: string) => <Tag color={STATUS_COLOURS[status]}>{t(`status.${status}`)}</Tag> },
          {
            title: t('request.waiting'),
            render: (_: unknown, request) => <AnswerClockCell request={request} />,
          },
          { title: t('request.deadline'), dataIndex: 'deadline', render: formatTime },
          {
            title: t('common.actions'),
            render: (_: unknown, request) => (
              <Space>
                <Button size="small" onClick={() => setDetail(request)}>{t('common.details')}</Button>
                {mode === 'inbox' && request.status === 'PENDING' && (
                  <>
                    <Button size="small" type="primary" onClick={() => setApproving(request)}>{t('request.approve')}</Button>
                    <Button size="small" danger onClick={() => askReason(t('request.rejectReason'), (reason) => reject({ id: request.id, reason }), t('request.rejected'))}>
                      {t('request.reject')}
                    </Button>
                  </>
                )}
                {mode === 'mine' && request.status === 'PENDING' && (
                  <Button size="small" onClick={() => askReason(t('request.withdraw'), (reason) => withdraw({ id: request.id, reason }), t('request.withdrawn'))}>
                    {t('request.withdraw')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {data?.accessRequests.pageInfo.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => setAfter(data.accessRequests.pageInfo.endCursor)}>{t('common.more')}</Button>
      )}
      {approving && <ApprovalForm request={approving} onClose={(done) => { setApproving(null); if (done) reload(); }} />}
      {detail && (
        <Modal open title={`${t('request.title')} · ${detail.dataset.title}`} footer={null} width={680} onCancel={() => setDetail(null)}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('request.consumer')}>{detail.consumerDepartment.name}</Descriptions.Item>
            <Descriptions.Item label={t('request.requestedBy')}>{detail.requestedBy}</Descriptions.Item>
            <Descriptions.Item label={t('request.createdAt')}>{formatTime(detail.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('request.fields')}>{detail.fields.join(', ')}</Descriptions.Item>
            <Descriptions.Item label={t('request.purpose')}>{detail.purpose}</Descriptions.Item>
            <Descriptions.Item label={t('request.useScope')}>{detail.useScope ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('request.legalBasis')}>{detail.legalBasis ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('request.decision')}>{detail.decisionReason ?? '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('request.historyTitle')}</Typography.Title>
          <Timeline items={detail.history.map((step) => ({ content: `${formatTime(step.at)} ${step.action} · ${step.principal}${step.reason ? ` · ${step.reason}` : ''}` }))} />
        </Modal>
      )}
    </>
  );
}

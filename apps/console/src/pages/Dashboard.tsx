import { Card, Col, Descriptions, Row, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { useMe } from '../hooks';
import { DASHBOARD, type DashboardData } from '../operations';
import { currentSession } from '../session';

export default function Dashboard() {
  const { t } = useTranslation();
  const me = useMe();
  const [{ data }] = useQuery<DashboardData>({ query: DASHBOARD });
  return (
    <>
      <Typography.Title level={3}>{t('dashboard.welcome', { name: currentSession()?.displayName ?? me.label })}</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={3}>
          <Descriptions.Item label={t('me.department')}>
            {me.department ? `${me.department.name}（${me.department.code}）` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('me.roles')}>
            {me.roles.map((role) => (
              <Tag key={role} color="blue">
                {t(`role.${role}`)}
              </Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('me.label')}>{me.label}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col span={6}>
          <Card><Statistic title={t('dashboard.datasets')} value={data?.datasets.totalCount ?? '—'} /></Card>
        </Col>
        <Col span={6}>
          <Card><Statistic title={t('dashboard.pending')} value={data?.pending.totalCount ?? '—'} /></Card>
        </Col>
        <Col span={6}>
          <Card><Statistic title={t('dashboard.overdue')} value={data?.overdue.totalCount ?? '—'} styles={{ content: { color: data?.overdue.totalCount ? '#cf1322' : undefined } }} /></Card>
        </Col>
        <Col span={6}>
          <Card><Statistic title={t('dashboard.grants')} value={data?.grants.length ?? '—'} /></Card>
        </Col>
      </Row>
    </>
  );
}

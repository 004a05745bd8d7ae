import { Alert, Button, Card, Checkbox, Descriptions, Progress, Select, Space, Table, Typography, Upload as AntUpload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { useMe } from '../hooks';
import { DATASETS, type DatasetsData } from '../operations';
import { currentSession } from '../session';

interface RowError { line: number; field: string | null; reason: string }
interface IngestReport {
  dataset: string; version: number; duplicate: boolean; current: boolean; format: string; encoding: string | null; sourceName: string | null;
  rowsRead: number; rowsAccepted: number; rowsRejected: number; errors: RowError[]; errorCount: number;
}

/** A steward uploads a new version through the REST route, with the transfer's progress (XHR). */
export default function Upload() {
  const { t } = useTranslation();
  const me = useMe();
  const [{ data }] = useQuery<DatasetsData>({ query: DATASETS, variables: { filter: { provider: me.department?.code }, first: 200 } });
  const [dataset, setDataset] = useState<string | undefined>();
  const [publish, setPublish] = useState(true);
  const [percent, setPercent] = useState<number | null>(null);
  const [report, setReport] = useState<IngestReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = (file: File) => {
    if (!dataset) return;
    setReport(null);
    setError(null);
    setPercent(0);
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ publish: String(publish), maxErrors: '1000', filename: file.name });
    xhr.open('POST', `/api/v1/datasets/${encodeURIComponent(dataset)}/versions?${query.toString()}`);
    const session = currentSession();
    if (session) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => event.lengthComputable && setPercent(Math.round((event.loaded / event.total) * 100));
    xhr.onload = () => {
      setPercent(100);
      try {
        const body = JSON.parse(xhr.responseText) as IngestReport & { error?: { code: string; message: string } };
        if (xhr.status >= 400) setError(body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${xhr.status}`);
        else setReport(body);
      } catch {
        setError(`HTTP ${xhr.status}`);
      }
    };
    xhr.onerror = () => setError(t('error.network'));
    xhr.send(file);
  };

  const download = () => {
    if (!report) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
    link.download = `${report.dataset}-v${report.version}-report.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <Card title={t('upload.title')}>
      <Space style={{ marginBottom: 16 }}>
        {t('upload.dataset')}
        <Select data-testid="upload-dataset" style={{ width: 320 }} value={dataset} onChange={setDataset}
          options={(data?.datasets.nodes ?? []).map((item) => ({ value: item.code, label: `${item.title} (${item.code})` }))} />
        <Checkbox checked={publish} onChange={(event) => setPublish(event.target.checked)}>{t('upload.publish')}</Checkbox>
      </Space>
      <AntUpload.Dragger disabled={!dataset} showUploadList={false} accept=".csv,.txt,.xlsx,.json,.jsonl" beforeUpload={(file) => { send(file); return false; }}>
        <p>{t('upload.drop')}</p>
        <Typography.Text type="secondary">{t('upload.hint')}</Typography.Text>
      </AntUpload.Dragger>
      {percent !== null && <Progress percent={percent} style={{ marginTop: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} />}
      {report && (
        <Card size="small" title={t('upload.report')} style={{ marginTop: 16 }} extra={<Button onClick={download}>{t('upload.download')}</Button>} data-testid="upload-report">
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('upload.version')}>v{report.version}</Descriptions.Item>
            <Descriptions.Item label={t('upload.encoding')}>{report.encoding ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('dataset.format')}>{report.format}</Descriptions.Item>
            <Descriptions.Item label={t('upload.rowsRead')}>{report.rowsRead}</Descriptions.Item>
            <Descriptions.Item label={t('upload.rowsAccepted')}>{report.rowsAccepted}</Descriptions.Item>
            <Descriptions.Item label={t('upload.rowsRejected')}>{report.rowsRejected}</Descriptions.Item>
          </Descriptions>
          {report.errors.length > 0 && (
            <Table<RowError> rowKey={(row) => `${row.line}-${row.field}`} size="small" pagination={{ pageSize: 10 }} dataSource={report.errors}
              columns={[{ title: t('upload.line'), dataIndex: 'line' }, { title: t('upload.field'), dataIndex: 'field' }, { title: t('upload.reason'), dataIndex: 'reason' }]} />
          )}
        </Card>
      )}
    </Card>
  );
}

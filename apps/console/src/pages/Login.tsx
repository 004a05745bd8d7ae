import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { describeError } from '../api';
import { switchLanguage } from '../i18n';
import { LOGIN, type LoginData } from '../operations';
import { sessionOf, startSession } from '../session';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const [{ fetching }, login] = useMutation<LoginData>(LOGIN);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: { email: string; password: string }) => {
    setError(null);
    const result = await login({ input: values });
    if (result.error || !result.data) {
      setError(describeError(result.error));
      return;
    }
    startSession(sessionOf(result.data.login));
    const from = (location.state as { from?: string } | null)?.from;
    navigate(from && from !== '/login' ? from : '/', { replace: true });
  };

  return (
    <div className="cw-login">
      <Card style={{ width: 400 }} title={t('app.title')} extra={<Button type="link" onClick={() => switchLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>{t('me.language')}</Button>}>
        {params.has('expired') && <Alert type="warning" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />}
        {params.has('logout') && <Alert type="info" showIcon title={t('login.loggedOut')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="email" label={t('login.email')} rules={[{ required: true, message: t('login.required', { what: t('login.email') }) }]}>
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.required', { what: t('login.password') }) }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={fetching}>
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {t('login.hint')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

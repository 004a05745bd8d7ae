import { Alert, App, Button, Card, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { describeError } from '../api';
import { showProblemsOnForm } from '../formProblems';
import { CHANGE_PASSWORD, type ChangePasswordData } from '../operations';
import { sessionOf, startSession } from '../session';

interface Values { currentPassword: string; newPassword: string; confirm: string }

const FORM_ITEMS = new Set(['currentPassword', 'newPassword']);

/**
 * Everyone changes their own password: the current one, a new one of at least 12 characters
 * (the API's rule), typed twice. The API ends every earlier login token and answers a new one,
 * which becomes this session's.
 */
function ChangePasswordForm({ onDone, submitLabel }: { onDone: () => void; submitLabel: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, change] = useMutation<ChangePasswordData>(CHANGE_PASSWORD);

  const submit = async ({ currentPassword, newPassword }: Values) => {
    setError(null);
    const result = await change({ input: { currentPassword, newPassword } });
    if (result.error || !result.data) {
      const { shown, elsewhere } = showProblemsOnForm(form, result.error, (name) => FORM_ITEMS.has(String(name[0])));
      if (shown === 0 || elsewhere.length > 0) setError(describeError(result.error));
      return;
    }
    startSession(sessionOf(result.data.changePassword));
    void message.success(t('password.changed'));
    form.resetFields();
    onDone();
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="change-password">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('login.required', { what: t('password.current') }) }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item name="newPassword" label={t('password.new')} extra={t('password.rule')} rules={[{ required: true, min: 12, max: 200, message: t('password.rule') }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('login.required', { what: t('password.confirm') }) },
          ({ getFieldValue }) => ({ validator: (_, value) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))) }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={fetching}>
        {submitLabel}
      </Button>
    </Form>
  );
}

/** From the user menu. */
export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} title={t('password.title')} footer={null} onCancel={onClose} destroyOnHidden>
      <ChangePasswordForm onDone={onClose} submitLabel={t('password.submit')} />
    </Modal>
  );
}

/** After a login with a temporary password: nothing else is offered (the API refuses anything else). */
export function ForcedPasswordChange() {
  const { t } = useTranslation();
  return (
    <Card title={t('password.forcedTitle')} style={{ maxWidth: 480, margin: '40px auto' }}>
      <Typography.Paragraph>{t('password.forcedHint')}</Typography.Paragraph>
      <ChangePasswordForm onDone={() => undefined} submitLabel={t('password.submit')} />
    </Card>
  );
}

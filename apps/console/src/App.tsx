import { App as AntApp, Button, ConfigProvider, Dropdown, Layout, Menu, Result, Space, Spin, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { describeError } from './api';
import { hasRole, MeContext, type Me } from './hooks';
import { switchLanguage } from './i18n';
import { FONT_STACK, type Role } from './model';
import { ME, type MeData } from './operations';
import { ChangePasswordModal, ForcedPasswordChange } from './pages/ChangePassword';
import { LoginPage } from './pages/Login';
import { currentSession, endSession, onSessionChange, type Session } from './session';

// Each page is its own chunk: the first load carries only the shell and the login form.
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Catalogue = lazy(() => import('./pages/Catalogue'));
const DatasetPage = lazy(() => import('./pages/DatasetPage'));
const Requests = lazy(() => import('./pages/Requests'));
const Grants = lazy(() => import('./pages/Grants'));
const Audit = lazy(() => import('./pages/Audit'));
const Clients = lazy(() => import('./pages/Clients'));
const Organisation = lazy(() => import('./pages/Organisation'));
const Upload = lazy(() => import('./pages/Upload'));
const Register = lazy(() => import('./pages/Register'));
const DatasetEdit = lazy(() => import('./pages/DatasetEdit'));
const Timeliness = lazy(() => import('./pages/Timeliness'));

interface Page {
  path: string;
  label: string;
  roles: Role[] | null;
  element: ReactNode;
}

export function App() {
  const { i18n } = useTranslation();
  const [session, setSession] = useState<Session | null>(currentSession);
  const [ended, setEnded] = useState<'logout' | 'expired' | null>(null);

  useEffect(
    () =>
      onSessionChange((next, reason) => {
        setSession(next);
        setEnded(reason === 'login' ? null : reason);
      }),
    [],
  );

  // A token's end is known: sign out at that moment rather than at the next refused request.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => endSession('expired'), Math.max(0, Date.parse(session.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [session]);

  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={{ token: { fontFamily: FONT_STACK, colorPrimary: '#1456b8' } }}>
      <AntApp>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/*" element={session ? <Shell session={session} /> : <ToLogin ended={ended} />} />
        </Routes>
      </AntApp>
    </ConfigProvider>
  );
}

/** To the login page, saying why the session ended and coming back to this page afterwards. */
function ToLogin({ ended }: { ended: 'logout' | 'expired' | null }) {
  const location = useLocation();
  return <Navigate to={ended ? `/login?${ended}=1` : '/login'} replace state={{ from: ended === 'logout' ? '/' : location.pathname }} />;
}

function Shell({ session }: { session: Session }) {
  const { t, i18n } = useTranslation();
  const [{ data, error, fetching }] = useQuery<MeData>({ query: ME, requestPolicy: 'network-only' });
  const navigate = useNavigate();
  const location = useLocation();
  const [changingPassword, setChangingPassword] = useState(false);
  if (fetching && !data) return <Spin style={{ marginTop: '30vh', width: '100%' }} />;
  if (error || !data) return <Result status="error" title={describeError(error)} />;
  const me: Me = data.me;

  const pages: Page[] = [
    { path: '/', label: t('nav.dashboard'), roles: null, element: <Dashboard /> },
    { path: '/catalogue', label: t('nav.catalogue'), roles: null, element: <Catalogue /> },
    { path: '/requests', label: t('nav.requests'), roles: ['STEWARD', 'CONSUMER', 'ADMIN'], element: <Requests /> },
    { path: '/grants', label: t('nav.grants'), roles: ['STEWARD', 'ADMIN', 'AUDITOR'], element: <Grants /> },
    { path: '/upload', label: t('nav.upload'), roles: ['STEWARD'], element: <Upload /> },
    { path: '/register', label: t('nav.register'), roles: ['STEWARD'], element: <Register /> },
    { path: '/audit', label: t('nav.audit'), roles: ['AUDITOR'], element: <Audit /> },
    { path: '/timeliness', label: t('nav.timeliness'), roles: ['AUDITOR', 'ADMIN'], element: <Timeliness /> },
    { path: '/clients', label: t('nav.clients'), roles: ['ADMIN'], element: <Clients /> },
    { path: '/organisation', label: t('nav.organisation'), roles: ['ADMIN'], element: <Organisation /> },
  ];
  // A temporary password: the API serves nothing but changing it, so nothing else is offered.
  const visible = session.mustChangePassword ? [] : pages.filter((page) => page.roles === null || hasRole(me, ...page.roles));
  const selected = visible.filter((page) => page.path !== '/' && location.pathname.startsWith(page.path)).map((page) => page.path);

  return (
    <MeContext.Provider value={me}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header className="cw-header" style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 20 }}>
          <span className="cw-brand">{t('app.short')}</span>
          <Menu
            theme="dark"
            mode="horizontal"
            style={{ flex: 1, minWidth: 0 }}
            selectedKeys={selected.length ? selected : location.pathname === '/' ? ['/'] : []}
            items={visible.map((page) => ({ key: page.path, label: page.label }))}
            onClick={({ key }) => navigate(key)}
          />
          <Space size="middle" data-testid="whoami">
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'label', label: me.label, disabled: true },
                  { type: 'divider' },
                  { key: 'password', label: t('me.changePassword'), disabled: session.mustChangePassword },
                  { key: 'logout', label: t('me.logout') },
                ],
                onClick: ({ key }) => (key === 'password' ? setChangingPassword(true) : key === 'logout' ? endSession('logout') : undefined),
              }}
            >
              <Typography.Link style={{ color: '#fff' }} data-testid="user-menu">
                {session.displayName} ▾
              </Typography.Link>
            </Dropdown>
            <span className="cw-department" title={me.department?.name}>{me.department?.name}</span>
            <span>
              {me.roles.map((role) => (
                <Tag key={role} color="blue">
                  {t(`role.${role}`)}
                </Tag>
              ))}
            </span>
            <Button size="small" onClick={() => switchLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
              {t('me.language')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="cw-page">
          {session.mustChangePassword ? (
            <ForcedPasswordChange />
          ) : (
            <Suspense fallback={<Spin />}>
              <Routes>
                {visible.map((page) => (
                  <Route key={page.path} path={page.path} element={page.element} />
                ))}
                <Route path="/catalogue/:code" element={<DatasetPage />} />
                {hasRole(me, 'STEWARD') && <Route path="/catalogue/:code/edit" element={<DatasetEdit />} />}
                <Route path="*" element={<Result status="403" title={t('common.forbidden')} />} />
              </Routes>
            </Suspense>
          )}
          <ChangePasswordModal open={changingPassword} onClose={() => setChangingPassword(false)} />
        </Layout.Content>
      </Layout>
    </MeContext.Provider>
  );
}

import { render, type RenderResult } from '@testing-library/react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { Client, Provider } from 'urql';
import { fromValue } from 'wonka';
import '../i18n';

/** One operation the page sent, as the fake API saw it. */
export interface SentOperation {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * A urql client answering each operation with `answer(operation)` (no network), recording what
 * was sent, so a test sees the exact variables a page would send to the API.
 */
export function fakeApi(answer: (operation: SentOperation) => unknown): { client: Client; sent: SentOperation[] } {
  const sent: SentOperation[] = [];
  const send = (query: unknown, variables: Record<string, unknown> = {}) => {
    const text = typeof query === 'string' ? query : ((query as { loc?: { source: { body: string } } }).loc?.source.body ?? '');
    const operation = { query: text, variables };
    sent.push(operation);
    return { data: answer(operation), stale: false, hasNext: false };
  };
  // The methods urql's hooks and the pages call (see urql's testing guide).
  const client = {
    executeQuery: (request: { query: unknown; variables: Record<string, unknown> }) => fromValue(send(request.query, request.variables)),
    executeMutation: (request: { query: unknown; variables: Record<string, unknown> }) => fromValue(send(request.query, request.variables)),
    executeSubscription: () => fromValue({ data: {}, stale: false, hasNext: false }),
    query: (query: unknown, variables: Record<string, unknown>) => ({ toPromise: () => Promise.resolve(send(query, variables)) }),
  } as unknown as Client;
  return { client, sent };
}

/** Renders a console page as the app does: zh-CN antd, the API client, a router at `url`. */
export function renderPage(page: ReactNode, { client, url = '/' }: { client: Client; url?: string }): RenderResult {
  return render(
    <ConfigProvider locale={zhCN}>
      <AntApp>
        <Provider value={client}>
          <MemoryRouter initialEntries={[url]}>{page}</MemoryRouter>
        </Provider>
      </AntApp>
    </ConfigProvider>,
  );
}

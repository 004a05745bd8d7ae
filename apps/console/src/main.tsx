import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Provider as UrqlProvider } from 'urql';
import { createApiClient } from './api';
import { App } from './App';
import './i18n';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <UrqlProvider value={createApiClient()}>
      <BrowserRouter basename="/console">
        <App />
      </BrowserRouter>
    </UrqlProvider>
  </StrictMode>,
);

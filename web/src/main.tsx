// Entry point: global guards (no unhandled promise ever reaches the console), the error boundary, the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { initAuth } from './auth/auth.ts';
import { describeError } from './lib/errors.ts';
import { noticeStore } from './lib/notices.ts';
import './styles.css';

window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  const e = describeError(event.reason);
  if (e.kind !== 'unauthorized') noticeStore.push(e.message); // a 401 already sent the user to sign in
});
window.addEventListener('error', (event) => {
  if (event.error) noticeStore.push(describeError(event.error).message);
});

void initAuth();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

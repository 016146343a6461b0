// Last line of defence: a render error shows a message with a way out instead of a blank page.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="container">
        <div className="alert error" role="alert">
          <h1>Something went wrong</h1>
          <p>This page could not be shown. Reloading usually helps; your data is safe.</p>
          <button type="button" onClick={() => window.location.reload()}>Reload</button>
        </div>
      </main>
    );
  }
}

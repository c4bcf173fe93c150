'use client';
// Anything a page did not handle itself (it handles the API's errors): a
// readable message and a retry, never a blank page. In production the error's
// message stays on the server; its digest matches the server's log line.
import { useEffect } from 'react';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  useEffect(() => {
    console.warn('paws360-web: page failed', error);
  }, [error]);
  return (
    <div className="notice error" role="alert" data-testid="page-error">
      <h1>This page could not be shown</h1>
      <p>Something went wrong while preparing it. This is usually temporary.</p>
      {digest ? <p className="hint">Reference: {digest}</p> : null}
      <button type="button" onClick={() => retry()}>
        Try again
      </button>
    </div>
  );
}

import { ApiError } from '../lib/api';
import { ConfigError } from '../lib/config';
import { PageFooter } from './PageFooter';

/** A failed page load, in words: what went wrong and that trying again may help. */
export function ApiErrorView({ title, error }: { title: string; error: unknown }) {
  const message =
    error instanceof ApiError || error instanceof ConfigError
      ? error.message
      : 'Something went wrong on the web server. Try again in a moment.';
  const traceId = error instanceof ApiError ? error.traceId : undefined;
  return (
    <>
      <h1>{title}</h1>
      <div className="notice error" role="alert" data-testid="api-error">
        <p>{message}</p>
        <p className="hint">Reload the page to try again.</p>
      </div>
      <PageFooter traceId={traceId} />
    </>
  );
}

/** The page's footer: the trace id of its last API call, for matching the API's logs. */
export function PageFooter({ traceId }: { traceId?: string }) {
  return (
    <footer className="footer">
      PAWS360 · last API trace <code data-testid="trace-id">{traceId ?? 'none'}</code>
    </footer>
  );
}

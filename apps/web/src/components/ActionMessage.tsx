import type { ActionState } from '../lib/action-state';

/** The outcome of an action: nothing while idle, a readable message otherwise. */
export function ActionMessage({ state }: { state: ActionState }) {
  if (state.status === 'idle') return null;
  return (
    <p className={`notice ${state.status}`} role={state.status === 'error' ? 'alert' : 'status'} data-testid="action-message">
      {state.message}
      {state.traceId ? <span className="hint"> (trace {state.traceId})</span> : null}
    </p>
  );
}

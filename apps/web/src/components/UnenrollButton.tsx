'use client';
import { useActionState } from 'react';
import { IDLE, type ActionState } from '../lib/action-state';
import { ActionMessage } from './ActionMessage';

type Action = (previous: ActionState, form: FormData) => Promise<ActionState>;

export function UnenrollButton({ action, code }: { action: Action; code: string }) {
  const [state, formAction, pending] = useActionState(action, IDLE);
  return (
    <form action={formAction} className="inline">
      <button type="submit" className="secondary" disabled={pending} data-testid={`unenroll-${code}`}>
        {pending ? 'Removing…' : 'Unenroll'}
      </button>
      {state.status === 'error' ? <ActionMessage state={state} /> : null}
    </form>
  );
}

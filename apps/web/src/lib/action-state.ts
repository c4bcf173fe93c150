/** What an enroll/unenroll action answers its form. */
export interface ActionState {
  status: 'idle' | 'ok' | 'error';
  message: string;
  /** The trace id of the API call, for a support question. */
  traceId?: string;
}

export const IDLE: ActionState = { status: 'idle', message: '' };

'use client';
import { useActionState } from 'react';
import { IDLE, type ActionState } from '../lib/action-state';
import { ActionMessage } from './ActionMessage';

export interface CourseOption {
  id: number;
  label: string;
  full: boolean;
}

type Action = (previous: ActionState, form: FormData) => Promise<ActionState>;

/** Enroll into a course chosen from a select (courses already taken are not offered). */
export function EnrollForm({ action, courses }: { action: Action; courses: CourseOption[] }) {
  const [state, formAction, pending] = useActionState(action, IDLE);
  if (courses.length === 0) return <p className="notice">No other course is offered.</p>;
  return (
    <form action={formAction} className="enroll" data-testid="enroll-form">
      <label htmlFor="courseId">Course</label>
      <select id="courseId" name="courseId" data-testid="enroll-course" defaultValue="" required>
        <option value="" disabled>
          Choose a course…
        </option>
        {courses.map((c) => (
          <option key={c.id} value={c.id} disabled={c.full}>
            {c.label}
            {c.full ? ' (full)' : ''}
          </option>
        ))}
      </select>
      <button type="submit" disabled={pending} data-testid="enroll-submit">
        {pending ? 'Enrolling…' : 'Enroll'}
      </button>
      <ActionMessage state={state} />
    </form>
  );
}

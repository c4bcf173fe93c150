'use server';
// Enroll and unenroll, run on the web server: the browser posts to the page,
// the web server calls the API. The result (a readable message and the call's
// trace id) goes back to the form; success refreshes the page's data.
import { refresh } from 'next/cache';
import { ApiClient, ApiError } from './api';
import { ConfigError, apiBaseUrl } from './config';
import type { ActionState } from './action-state';

const positiveInt = (value: unknown) => {
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

function failed(error: unknown, api: ApiClient | undefined): ActionState {
  if (error instanceof ApiError) return { status: 'error', message: error.message, traceId: error.traceId };
  if (error instanceof ConfigError) return { status: 'error', message: error.message };
  console.error('paws360-web: action failed', error);
  return { status: 'error', message: 'Something went wrong on the web server. Try again in a moment.', traceId: api?.lastTraceId };
}

/** Calls the API on the web server; success refreshes the page's data. */
async function apply(call: (api: ApiClient) => Promise<void>, done: string): Promise<ActionState> {
  let api: ApiClient | undefined;
  try {
    api = new ApiClient({ baseUrl: apiBaseUrl() });
    await call(api);
  } catch (error) {
    return failed(error, api);
  }
  refresh();
  return { status: 'ok', message: done, traceId: api.lastTraceId };
}

export async function enrollAction(studentId: number, _previous: ActionState, form: FormData): Promise<ActionState> {
  const courseId = positiveInt(form.get('courseId'));
  if (!courseId) return { status: 'error', message: 'Choose a course to enroll in.' };
  return apply((api) => api.enroll(studentId, courseId), 'Enrolled.');
}

export async function unenrollAction(studentId: number, courseId: number, _previous: ActionState, _form: FormData): Promise<ActionState> {
  return apply((api) => api.unenroll(studentId, courseId), 'Unenrolled.');
}

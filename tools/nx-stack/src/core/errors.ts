/**
 * The one base class of every failure the user can act on: a bad file or
 * option, a busy port, a missing engine, an unhealthy dependency. Executors
 * print its message without a stack trace (the message says what to do) and
 * exit non-zero; anything else is a bug and keeps its stack trace.
 * `cause` keeps the underlying error for --verbose output and debugging.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A stack operation that cannot go on (precondition, timeout, cycle, unknown project…). */
export class StackError extends UserError {
  override name = 'StackError';
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;

/** The message of anything thrown, first line only (for table cells and one-line details). */
export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

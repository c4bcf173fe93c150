// Errors shared by the HTTP layer, the service and the adapters.

/** A dependency (PostgreSQL) could not serve the request: the client may retry (503). */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'postgres' | 'redis',
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable: ${reason}`, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * An error the API answers as it is: its HTTP status, a short machine code
 * (`not_found`, `already_enrolled`, …) and a readable message. The error
 * handler turns it into `{"error": code, "message": message, "traceId": …}`.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends ApiError {
  constructor(code: 'duplicate_student_number' | 'already_enrolled' | 'course_full', message: string) {
    super(409, code, message);
  }
}

/**
 * One line for any thrown value. Node 20 reports a refused connection to a
 * name with several addresses as an AggregateError with an EMPTY message, so
 * the inner errors (and `code`) are spelled out.
 */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    const inner = [...new Set(err.errors.map((e) => describeError(e)))].join('; ');
    return err.message ? `${err.message} (${inner})` : inner;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const message = err.message || err.name;
    return typeof code === 'string' && !message.includes(code) ? `${message} [${code}]` : message;
  }
  return String(err);
}

import { UserError } from '../core/errors';

/** No engine answers at the configured endpoint. */
export class EngineUnavailableError extends UserError {
  override name = 'EngineUnavailableError';
  constructor(
    readonly endpoint: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot reach the Docker engine at ${endpoint} (${reason}).\n` +
        `  Start Docker (Docker Desktop, or on Debian: npm run provision), ` +
        `or point DOCKER_HOST at a running engine, then run the command again.`,
      options,
    );
  }
}

/** A Docker call that failed: names the operation and quotes the engine's reason. */
export class RuntimeOperationError extends UserError {
  override name = 'RuntimeOperationError';
  constructor(
    readonly operation: string,
    readonly reason: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(`${operation} failed: ${reason}`, options);
  }
}

const ENGINE_DOWN_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT']);

export function isEngineDown(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return typeof code === 'string' && ENGINE_DOWN_CODES.has(code);
}

/** The engine's own words from a dockerode error (its JSON body), else the error message. */
export function engineReason(error: unknown): string {
  const e = error as { json?: { message?: string }; reason?: string; message?: string };
  return e?.json?.message ?? e?.message ?? e?.reason ?? String(error);
}

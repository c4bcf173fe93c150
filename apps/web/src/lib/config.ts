// The web server's configuration, read from the environment at request time
// (never at build time: one image runs against any API).

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The API's base URL from API_URL (default http://127.0.0.1:8080), without a
 * trailing slash. A value that is not an http(s) URL is a ConfigError naming
 * the variable.
 */
export function apiBaseUrl(env: Record<string, string | undefined> = process.env): string {
  const raw = env.API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`API_URL must be an http(s) URL such as ${DEFAULT_API_URL}, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`API_URL must be an http(s) URL such as ${DEFAULT_API_URL}, got "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

import { ConfigError, DEFAULT_API_URL, apiBaseUrl } from './config';

describe('apiBaseUrl', () => {
  it('defaults to the API on the host (127.0.0.1:8080) when API_URL is unset or blank', () => {
    expect(apiBaseUrl({})).toBe(DEFAULT_API_URL);
    expect(apiBaseUrl({ API_URL: '  ' })).toBe('http://127.0.0.1:8080');
  });

  it('takes API_URL without its trailing slash', () => {
    expect(apiBaseUrl({ API_URL: 'http://api-1:8080/' })).toBe('http://api-1:8080');
    expect(apiBaseUrl({ API_URL: 'https://paws.example.edu/backend//' })).toBe('https://paws.example.edu/backend');
  });

  it('reads the environment when called (not when the module loads)', () => {
    const saved = process.env.API_URL;
    try {
      process.env.API_URL = 'http://first:1';
      expect(apiBaseUrl()).toBe('http://first:1');
      process.env.API_URL = 'http://second:2';
      expect(apiBaseUrl()).toBe('http://second:2');
    } finally {
      if (saved === undefined) delete process.env.API_URL;
      else process.env.API_URL = saved;
    }
  });

  it.each(['api-1:8080', 'ftp://api-1', 'not a url'])('rejects %s naming the variable', (value) => {
    expect(() => apiBaseUrl({ API_URL: value })).toThrow(ConfigError);
    expect(() => apiBaseUrl({ API_URL: value })).toThrow(/API_URL must be an http\(s\) URL/);
  });
});

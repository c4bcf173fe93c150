// The API client of one server request: Server Components of the same render
// share it (React's cache() is per request), so the footer can name the trace
// of the render's last API call. connection() first: the API_URL is read at
// request time, and a page that calls the API is never prerendered at build.
import { connection } from 'next/server';
import { cache } from 'react';
import { ApiClient } from './api';
import { apiBaseUrl } from './config';

const clientOfRequest = cache(() => new ApiClient({ baseUrl: apiBaseUrl() }));

export async function requestApi(): Promise<ApiClient> {
  await connection();
  return clientOfRequest();
}

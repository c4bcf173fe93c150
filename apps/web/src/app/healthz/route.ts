// Liveness for the container's health check: touches nothing (not the API).
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}

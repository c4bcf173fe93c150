import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, ProbeContext, ServiceProbe } from '../kind';

/** GET <healthCheck.path> on a member's published port; the status and the first bytes of the body. */
async function check(ctx: ProbeContext, port: number): Promise<{ ok: boolean; detail: string }> {
  const path = ctx.service.config.healthCheck!.path;
  const url = `http://127.0.0.1:${port}${path}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = (await response.text()).replace(/\s+/g, ' ').slice(0, 160);
    return { ok: response.status === 200, detail: `GET ${path} → ${response.status}${body ? ` ${body}` : ''}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return { ok: false, detail: `no answer from ${url} (${cause})` };
  }
}

/** An HTTP service: healthy when its health path answers 200 on every member. */
async function health(ctx: ProbeContext): Promise<ComponentHealth[]> {
  const portName = ctx.service.config.healthCheck!.port;
  return Promise.all(
    ctx.members.map(async (view): Promise<ComponentHealth> => {
      const absent = absentMember(view);
      if (absent) return absent;
      const { ok, detail } = await check(ctx, view.hostPorts[portName]);
      return { name: view.containerName, status: ok ? 'healthy' : 'unhealthy', role: 'server', detail };
    }),
  );
}

async function inspect(ctx: ProbeContext): Promise<InspectReport> {
  const components = await health(ctx);
  return {
    service: ctx.service.name,
    columns: ['member', 'state', 'status', 'endpoint', 'detail'],
    rows: ctx.members.map((view, i) => ({
      member: view.containerName,
      state: view.container?.state ?? 'absent',
      status: components[i].status,
      endpoint: Object.entries(view.hostPorts).map(([name, port]) => `${name} 127.0.0.1:${port}`).join(', '),
      detail: components[i].detail,
    })),
    facts: { healthCheck: ctx.service.config.healthCheck },
  };
}

export const httpProbe: ServiceProbe = { health, inspect };

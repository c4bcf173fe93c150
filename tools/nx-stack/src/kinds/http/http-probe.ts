import { httpRequest } from '../../clients/http';
import { errorText } from '../../core/errors';
import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, ProbeContext, ServiceProbe } from '../kind';

/** GET <healthCheck.path> on a member's published port; the status and the first bytes of the body. */
async function check(ctx: ProbeContext, port: number): Promise<{ ok: boolean; detail: string }> {
  const path = ctx.service.config.healthCheck!.path;
  try {
    const answer = await httpRequest(port, path, { timeoutMs: 2000 });
    const body = answer.text.replace(/\s+/g, ' ').slice(0, 160);
    return { ok: answer.status === 200, detail: `GET ${path} → ${answer.status}${body ? ` ${body}` : ''}` };
  } catch (error) {
    return { ok: false, detail: errorText(error) };
  }
}

export const HTTP_ROLES = ['server'] as const;
export type HttpRole = (typeof HTTP_ROLES)[number];

/** An HTTP service: healthy when its health path answers 200 on every member. */
async function health(ctx: ProbeContext): Promise<ComponentHealth<HttpRole>[]> {
  const portName = ctx.service.config.healthCheck!.port;
  return Promise.all(
    ctx.members.map(async (view): Promise<ComponentHealth<HttpRole>> => {
      const absent = absentMember<HttpRole>(view);
      if (absent) return absent;
      const { ok, detail } = await check(ctx, view.hostPorts[portName]);
      return { name: view.containerName, status: ok ? 'healthy' : 'unhealthy', role: 'server', detail, serving: ok };
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

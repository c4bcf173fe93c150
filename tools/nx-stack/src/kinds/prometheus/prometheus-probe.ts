import { httpJson } from '../../clients/http';
import { errorText } from '../../core/errors';
import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, ProbeContext, ServiceProbe } from '../kind';

export const PROMETHEUS_ROLES = ['server'] as const;
export type PrometheusRole = (typeof PROMETHEUS_ROLES)[number];
/** The port (by name) of Prometheus' UI and API in its service.json. */
export const HTTP_PORT = 'http';

export interface TargetState {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

interface TargetsAnswer {
  data: { activeTargets: Array<{ labels: Record<string, string>; health: TargetState['health']; lastError: string; scrapeUrl: string }> };
}

/** Every active scrape target and its state (GET /api/v1/targets). */
export async function scrapeTargets(port: number): Promise<TargetState[]> {
  const answer = await httpJson<TargetsAnswer>(port, '/api/v1/targets?state=active', { timeoutMs: 3000 });
  return answer.data.activeTargets
    .map((t) => ({ job: t.labels.job ?? '', instance: t.labels.instance ?? '', health: t.health, lastError: t.lastError, scrapeUrl: t.scrapeUrl }))
    .sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance, undefined, { numeric: true }));
}

/** Prometheus is healthy when it answers and every target it scrapes is up: a target down is a component it cannot see. */
async function health(ctx: ProbeContext): Promise<ComponentHealth<PrometheusRole>[]> {
  return Promise.all(
    ctx.members.map(async (view): Promise<ComponentHealth<PrometheusRole>> => {
      const absent = absentMember<PrometheusRole>(view);
      if (absent) return absent;
      try {
        const targets = await scrapeTargets(view.hostPorts[HTTP_PORT]);
        const down = targets.filter((t) => t.health !== 'up');
        const detail = down.length
          ? `${targets.length - down.length}/${targets.length} targets up; not up: ${down.map((t) => `${t.job} ${t.instance}${t.lastError ? ` (${t.lastError})` : ''}`).join(', ')}`
          : `${targets.length}/${targets.length} targets up`;
        return { name: view.containerName, status: down.length === 0 && targets.length > 0 ? 'healthy' : 'unhealthy', role: 'server', detail, serving: true };
      } catch (error) {
        return { name: view.containerName, status: 'unhealthy', role: 'server', detail: errorText(error), serving: false };
      }
    }),
  );
}

async function inspect(ctx: ProbeContext): Promise<InspectReport> {
  const view = ctx.members.find((m) => m.running);
  const targets = view ? await scrapeTargets(view.hostPorts[HTTP_PORT]).catch(() => []) : [];
  return {
    service: ctx.service.name,
    columns: ['job', 'instance', 'health', 'error'],
    rows: targets.map((t) => ({ job: t.job, instance: t.instance, health: t.health, error: t.lastError || null })),
    facts: { ui: view ? `http://127.0.0.1:${view.hostPorts[HTTP_PORT]}` : null, targets: targets.length, up: targets.filter((t) => t.health === 'up').length },
  };
}

export const prometheusProbe: ServiceProbe = { health, inspect };

import { httpJson } from '../../clients/http';
import { patroniCluster, patroniStatus } from '../../clients/patroni';
import { withPg } from '../../clients/postgres';
import type { ParamValue } from '../../core/parity-values';
import type { ServiceDefinition } from '../../core/service-config';
import type { ProbeContext } from '../kind';
import { problemOf, readEveryMember, serviceFile, type KindParity, type LiveParameters } from '../parity';
import { API_PORT, POSTGRES_PORT } from './patroni-probe';

/** yaml is loaded on first use: only the parity check reads patroni.yml, not every command that loads the kind. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parseYaml = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

const SUPERUSER_PASSWORD = 'POSTGRES_SUPERUSER_PASSWORD';
const TIMEOUT_MS = 1500;

/** Patroni's dynamic configuration (bootstrap.dcs, then GET /config), with Patroni's defaults. */
export const DCS_SETTINGS: Record<string, ParamValue> = {
  ttl: 30,
  loop_wait: 10,
  retry_timeout: 10,
  maximum_lag_on_failover: 1048576,
  synchronous_mode: false,
  synchronous_mode_strict: false,
  synchronous_node_count: 1,
};
/** DCS settings under postgresql: (use_pg_rewind, use_slots). */
export const DCS_POSTGRESQL_SETTINGS: Record<string, ParamValue> = { use_pg_rewind: false, use_slots: true };
/** PostgreSQL settings compared (SHOW), with PostgreSQL 15's defaults. */
export const PG_SETTINGS: Record<string, ParamValue> = {
  max_connections: 100,
  shared_buffers: '128MB',
  synchronous_commit: 'on',
  wal_level: 'replica',
  max_wal_senders: 10,
  wal_keep_size: '0',
};

type Yaml = Record<string, unknown>;
const section = (value: unknown): Yaml => (value && typeof value === 'object' ? (value as Yaml) : {});

/** Values from a Patroni dynamic configuration (the template's bootstrap.dcs or a live GET /config). */
export function dcsValues(dcs: Yaml): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const [name, fallback] of Object.entries(DCS_SETTINGS)) values[name] = (dcs[name] as ParamValue | undefined) ?? fallback;
  const postgresql = section(dcs.postgresql);
  for (const [name, fallback] of Object.entries(DCS_POSTGRESQL_SETTINGS)) values[name] = (postgresql[name] as ParamValue | undefined) ?? fallback;
  return values;
}

/** infrastructure/patroni/patroni.yml.tmpl (bootstrap.dcs and the local postgresql.parameters) and the Dockerfile's postgresql-<major>. */
export function patroniDeclared(service: ServiceDefinition, workspaceRoot: string): Record<string, ParamValue> {
  const template = section(parseYaml(serviceFile(service, workspaceRoot, 'patroni.yml.tmpl') || '{}'));
  const dcs = section(section(template.bootstrap).dcs);
  const values = dcsValues(dcs);
  const parameters = { ...section(section(dcs.postgresql).parameters), ...section(section(template.postgresql).parameters) };
  for (const [name, fallback] of Object.entries(PG_SETTINGS)) values[name] = (parameters[name] as ParamValue | undefined) ?? fallback;
  const major = /postgresql-(\d+)\b/.exec(serviceFile(service, workspaceRoot, 'Dockerfile'))?.[1];
  if (major) values.postgres_version = major;
  return values;
}

/**
 * GET /config (the dynamic configuration in etcd), /patroni (its version),
 * /cluster (members) from one member, and SHOW of every running member's
 * PostgreSQL: a member still on an old value (pending restart) is drift.
 */
export async function patroniLive(ctx: ProbeContext): Promise<LiveParameters> {
  const problems: string[] = [];
  const running = ctx.members.filter((m) => m.running);
  const [rest, sql] = await Promise.all([patroniRest(running, problems), patroniSql(ctx, problems)]);
  return { values: { ...rest, ...sql }, problems };
}

/** /config, /patroni and /cluster of the first member that answers. */
async function patroniRest(running: ProbeContext['members'], problems: string[]): Promise<Record<string, ParamValue>> {
  let values: Record<string, ParamValue> = {};
  for (const view of running) {
    try {
      const port = view.hostPorts[API_PORT];
      const [config, status, cluster] = await Promise.all([
        httpJson<Yaml>(port, '/config', { timeoutMs: TIMEOUT_MS }),
        patroniStatus(port, TIMEOUT_MS),
        patroniCluster(port, TIMEOUT_MS),
      ]);
      values = { ...dcsValues(config), members: cluster.members.length };
      if (status.patroni?.version) values.patroni_version = status.patroni.version;
      break;
    } catch (error) {
      problems.push(problemOf(view.hostname, error));
    }
  }
  return values;
}

/** SHOW of every running member's PostgreSQL, agreed. */
async function patroniSql(ctx: ProbeContext, problems: string[]): Promise<Record<string, ParamValue>> {
  const names = [...Object.keys(PG_SETTINGS), 'server_version'];
  const reading = await readEveryMember(ctx.members, async (view) => {
    const target = { port: view.hostPorts[POSTGRES_PORT], password: ctx.secret(SUPERUSER_PASSWORD) };
    const rows = await withPg(target, async (client) =>
      (await client.query<{ name: string; setting: string }>('select name, current_setting(name) as setting from unnest($1::text[]) as name', [names])).rows,
    );
    return Object.fromEntries(rows.map((row) => [row.name === 'server_version' ? 'postgres_version' : row.name, row.setting]));
  });
  problems.push(...reading.problems);
  return reading.values;
}

export const patroniParity: KindParity = { declared: patroniDeclared, live: patroniLive };

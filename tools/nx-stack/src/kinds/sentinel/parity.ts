import { connectRedis, pairs, parseInfo, type RedisConnector } from '../../clients/redis';
import type { ParamValue } from '../../core/parity-values';
import type { ServiceDefinition } from '../../core/service-config';
import type { ProbeContext } from '../kind';
import { confDirectives, readEveryMember, serviceFile, type KindParity, type LiveParameters } from '../parity';
import { DEFAULT_MASTER_NAME } from './sentinel-probe';

const PORT = 'sentinel';
/** Per monitored master, as SENTINEL MASTER names them. */
const MASTER_SETTINGS = ['down-after-milliseconds', 'failover-timeout', 'parallel-syncs'] as const;

/** infrastructure/sentinel/sentinel.conf.tmpl; the quorum is the entrypoint's: SENTINEL_QUORUM, else a majority of the Sentinels. */
export function sentinelDeclared(service: ServiceDefinition, workspaceRoot: string): Record<string, ParamValue> {
  const conf = confDirectives(serviceFile(service, workspaceRoot, 'sentinel.conf.tmpl'), 'sentinel');
  const values: Record<string, ParamValue> = {};
  for (const name of MASTER_SETTINGS) {
    const value = conf[name]?.split(/\s+/)[1];
    if (value !== undefined) values[name] = Number(value);
  }
  const quorum = service.config.env.SENTINEL_QUORUM;
  values.quorum = quorum ? Number(quorum) : Math.floor(service.config.replicas / 2) + 1;
  return values;
}

/** SENTINEL MASTER <name> and INFO server of every running Sentinel; members = the other Sentinels it knows + 1. */
export function sentinelLive(connect: RedisConnector = connectRedis, masterName = DEFAULT_MASTER_NAME) {
  return (ctx: ProbeContext): Promise<LiveParameters> =>
    readEveryMember(ctx.members, (view) =>
      connect(view.hostPorts[PORT], undefined, async (link) => {
        const [masterReply, server] = await Promise.all([
          link.command('SENTINEL', 'MASTER', ctx.service.config.env.REDIS_MASTER_NAME ?? masterName),
          link.command('INFO', 'server'),
        ]);
        const master = pairs(masterReply);
        const values: Record<string, ParamValue> = { version: parseInfo(String(server)).redis_version, quorum: Number(master.quorum) };
        for (const name of MASTER_SETTINGS) if (master[name] !== undefined) values[name] = Number(master[name]);
        if (master['num-other-sentinels'] !== undefined) values.members = Number(master['num-other-sentinels']) + 1;
        return values;
      }),
    );
}

export const sentinelParity: KindParity = { declared: sentinelDeclared, live: sentinelLive() };

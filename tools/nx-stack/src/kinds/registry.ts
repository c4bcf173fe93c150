import type { ServiceKind } from '../core/service-config';
import { StackError } from '../core/errors';
import type { ServiceProbe } from './kind';
import { etcdProbe } from './etcd/etcd-probe';
import { httpProbe } from './http/http-probe';
import { patroniProbe } from './patroni/patroni-probe';
import { redisProbe } from './redis/redis-probe';
import { routerProbe } from './router/router-probe';
import { sentinelProbe } from './sentinel/sentinel-probe';

const probes: Partial<Record<ServiceKind, ServiceProbe>> = {
  etcd: etcdProbe,
  http: httpProbe,
  patroni: patroniProbe,
  redis: redisProbe,
  router: routerProbe,
  sentinel: sentinelProbe,
};

export function probeFor(kind: ServiceKind): ServiceProbe {
  const probe = probes[kind];
  if (!probe) throw new StackError(`no health probe for service kind "${kind}": add one in tools/nx-stack/src/health/probes/`);
  return probe;
}

import type { ServiceKind } from '../../config/service-config';
import { StackError } from '../../stack/stack-errors';
import type { ServiceProbe } from '../health-types';
import { etcdProbe } from './etcd-probe';
import { httpProbe } from './http-probe';
import { patroniProbe } from './patroni-probe';
import { redisProbe } from './redis-probe';
import { routerProbe } from './router-probe';
import { sentinelProbe } from './sentinel-probe';

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

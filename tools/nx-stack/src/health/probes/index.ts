import type { ServiceKind } from '../../config/service-config';
import { StackError } from '../../stack/stack-errors';
import type { ServiceProbe } from '../health-types';
import { etcdProbe } from './etcd-probe';

const probes: Partial<Record<ServiceKind, ServiceProbe>> = {
  etcd: etcdProbe,
};

export function probeFor(kind: ServiceKind): ServiceProbe {
  const probe = probes[kind];
  if (!probe) throw new StackError(`no health probe for service kind "${kind}": add one in tools/nx-stack/src/health/probes/`);
  return probe;
}

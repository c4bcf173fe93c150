import type { ServiceKind } from '../../config/service-config';
import type { ServiceProbe } from '../health-types';
import { etcdProbe } from './etcd-probe';

const probes: Partial<Record<ServiceKind, ServiceProbe>> = {
  etcd: etcdProbe,
};

export function probeFor(kind: ServiceKind): ServiceProbe {
  const probe = probes[kind];
  if (!probe) throw new Error(`no health probe for service kind "${kind}" yet`);
  return probe;
}

import { StackError } from '../core/errors';
import type { ServiceDefinition, ServiceKind } from '../core/service-config';
import { etcdKind } from './etcd';
import { httpKind } from './http';
import type { KindModule, ServiceProbe } from './kind';
import { patroniKind } from './patroni';
import { prometheusKind } from './prometheus';
import { redisKind } from './redis';
import { routerKind } from './router';
import { sentinelKind } from './sentinel';

/**
 * The one place a service kind is named: kind → the module that knows it.
 * Adding a kind: its folder under kinds/ (probe, roles, readiness, render,
 * simulations), one line here, its name in SERVICE_KINDS, and its
 * service.json. The type makes a kind without a module a compile error.
 */
export const KINDS: Readonly<Record<ServiceKind, KindModule>> = {
  etcd: etcdKind,
  http: httpKind,
  patroni: patroniKind,
  prometheus: prometheusKind,
  redis: redisKind,
  router: routerKind,
  sentinel: sentinelKind,
};

export function kindModule(kind: ServiceKind): KindModule {
  const module = (KINDS as Partial<Record<string, KindModule>>)[kind];
  if (!module) throw new StackError(`no module for service kind "${kind}": add its folder under tools/nx-stack/src/kinds/ and register it in kinds/registry.ts`);
  return module;
}

export const kindOf = (service: ServiceDefinition) => kindModule(service.config.kind);

export function probeFor(kind: ServiceKind): ServiceProbe {
  return kindModule(kind).probe;
}

import type { ParamValue } from '../../core/parity-values';
import type { ServiceDefinition } from '../../core/service-config';
import { serviceFile, type KindParity } from '../parity';

/** infrastructure/router/haproxy.cfg.tmpl: the connection limit of the whole router (global maxconn). */
export function routerDeclared(service: ServiceDefinition, workspaceRoot: string): Record<string, ParamValue> {
  const maxconn = /^\s*maxconn\s+(\d+)/m.exec(serviceFile(service, workspaceRoot, 'haproxy.cfg.tmpl'))?.[1];
  return maxconn ? { maxconn: Number(maxconn) } : {};
}

/** HAProxy's running settings are those of its rendered file (it has no runtime way to change maxconn): nothing live beyond members. */
export const routerParity: KindParity = { declared: routerDeclared, live: async () => ({ values: {}, problems: [] }) };

import { httpRequest } from '../../clients/http';
import type { ParamValue } from '../../core/parity-values';
import type { ProbeContext } from '../kind';
import { readEveryMember, type KindParity, type LiveParameters } from '../parity';

/** Where an application describes itself (Spring Boot's convention, which the API follows): app, node, env keys. */
export const INFO_PATH = '/actuator/info';
const TIMEOUT_MS = 1500;

interface ActuatorInfo {
  app?: { name?: string; version?: string };
  node?: string;
  env?: string[];
}

/**
 * GET /actuator/info of every running member: the Node.js version and the
 * names of the configuration variables in use (never their values). An
 * application without that path (404) reports nothing; that is not a problem.
 */
export function httpLive(ctx: ProbeContext): Promise<LiveParameters> {
  const port = ctx.service.config.healthCheck?.port ?? ctx.service.config.ports[0]?.name;
  if (port === undefined) return Promise.resolve({ values: {}, problems: [] });
  return readEveryMember(ctx.members, async (view) => {
    const answer = await httpRequest(view.hostPorts[port], INFO_PATH, { timeoutMs: TIMEOUT_MS });
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw new Error(`${answer.url} answered ${answer.status}`);
    const info = JSON.parse(answer.text) as ActuatorInfo;
    const values: Record<string, ParamValue> = {};
    if (info.node) values.node_version = info.node;
    if (info.env) values.env_keys = info.env;
    return values;
  });
}

/** An application declares nothing kind-specific in files the plugin reads: its Node.js is in its image, its env keys in its config. */
export const httpParity: KindParity = { declared: () => ({}), live: httpLive };

import type { ComponentHealth, Readiness, ServiceHealth } from './kind';

/** Does the member serve its role now (see ComponentHealth.serving)? */
export const isServing = (c: ComponentHealth) => c.serving ?? c.status === 'healthy';

const firstProblem = (components: ComponentHealth[]) => {
  const bad = components.find((c) => c.status !== 'healthy');
  return bad ? `${bad.name}: ${bad.detail}` : 'no members';
};

/** Fully healthy: every member healthy (the default of every kind). */
export function allHealthy(health: ServiceHealth): Readiness {
  const healthy = health.components.filter((c) => c.status === 'healthy').length;
  const ok = health.components.length > 0 && healthy === health.components.length;
  return { ok, reason: ok ? `${healthy}/${healthy} healthy` : `${healthy}/${health.components.length} healthy, ${firstProblem(health.components)}` };
}

/** Every member serves its role. */
export function allServing(health: ServiceHealth): Readiness {
  const serving = health.components.filter(isServing).length;
  const ok = health.components.length > 0 && serving === health.components.length;
  const waiting = health.components.find((c) => !isServing(c));
  return { ok, reason: ok ? `${serving}/${serving} serving` : `${serving}/${health.components.length} serving, ${waiting ? `${waiting.name}: ${waiting.detail}` : 'no members'}` };
}

/** A member in `role` that serves it: the leader accepting writes, the master taking them. */
export function roleServing(health: ServiceHealth, role: string): Readiness {
  const holder = health.components.find((c) => c.role === role && isServing(c));
  return holder
    ? { ok: true, reason: `${holder.name} is ${role}` }
    : { ok: false, reason: `no serving ${role} yet (${firstProblem(health.components)})` };
}

/** A majority of the members serve (and, when given, one of them holds `role`): a quorum. */
export function quorumServing(health: ServiceHealth, role?: string): Readiness {
  const serving = health.components.filter(isServing);
  const needed = Math.floor(health.components.length / 2) + 1;
  const holder = role === undefined || serving.some((c) => c.role === role);
  const ok = serving.length >= needed && holder;
  return {
    ok,
    reason: ok
      ? `quorum: ${serving.length}/${health.components.length} serving`
      : `${serving.length}/${health.components.length} serving, ${needed} needed${holder ? '' : ` with a ${role}`} (${firstProblem(health.components)})`,
  };
}

/** Members of a role, by container name (typed per kind by its module's helpers). */
export const membersIn = (health: ServiceHealth, role: string) => health.components.filter((c) => c.role === role).map((c) => c.name);

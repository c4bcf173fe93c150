import type { ComponentHealth, Readiness, ServiceHealth } from './kind';

/** Does the member serve its role now (see ComponentHealth.serving)? */
export const isServing = (c: ComponentHealth) => c.serving ?? c.status === 'healthy';

const firstProblem = (components: ComponentHealth[]) => {
  const bad = components.find((c) => c.status !== 'healthy');
  return bad ? `${bad.name}: ${bad.detail}` : 'no members';
};

/** Every member passes `test`: "n/n <word>", or how many do and the first that does not. */
function everyMember(health: ServiceHealth, test: (c: ComponentHealth) => boolean, word: string): Readiness {
  const passing = health.components.filter(test).length;
  const ok = health.components.length > 0 && passing === health.components.length;
  const failing = health.components.find((c) => !test(c));
  return {
    ok,
    reason: ok ? `${passing}/${passing} ${word}` : `${passing}/${health.components.length} ${word}, ${failing ? `${failing.name}: ${failing.detail}` : 'no members'}`,
  };
}

/** Fully healthy: every member healthy (the default of every kind). */
export const allHealthy = (health: ServiceHealth): Readiness => everyMember(health, (c) => c.status === 'healthy', 'healthy');

/** Every member serves its role. */
export const allServing = (health: ServiceHealth): Readiness => everyMember(health, isServing, 'serving');

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

/** The container of the healthy member holding `role` (a kind's leader or master), if any. */
export const healthyHolderOf = (health: ServiceHealth, role: string) =>
  health.components.find((c) => c.role === role && c.status === 'healthy')?.name;

import { SERVICE_KINDS } from '../core/service-config';
import type { ServiceHealth } from './kind';
import { KINDS, kindModule, probeFor } from './registry';

const health = (components: ServiceHealth['components']): ServiceHealth => ({ service: 'x', healthy: false, durationMs: 0, components });

describe('kind registry', () => {
  it.each(SERVICE_KINDS)('kind %s has a module with a probe, roles and both readiness conditions', (kind) => {
    const module = kindModule(kind);
    expect(module.kind).toBe(kind);
    expect(module.roles.length).toBeGreaterThan(0);
    expect(typeof module.probe.health).toBe('function');
    expect(typeof module.probe.inspect).toBe('function');
    expect(probeFor(kind)).toBe(module.probe);
    // Both conditions are real functions of the members: nobody is ready with no members at all…
    expect(module.readyForDependents(health([])).ok).toBe(false);
    expect(module.fullyHealthy(health([])).ok).toBe(false);
    // …and everyone is when every member is healthy in its kind's first role.
    const all = health(
      [1, 2, 3].map((n) => ({ name: `m-${n}`, status: 'healthy' as const, role: n === 1 ? module.roles[0] : (module.roles[1] ?? module.roles[0]), detail: '' })),
    );
    expect(module.readyForDependents(all).ok).toBe(true);
    expect(module.fullyHealthy(all).ok).toBe(true);
    for (const simulation of module.simulations) expect(simulation.description.length).toBeGreaterThan(20);
  });

  it('registers exactly the kinds the service.json schema accepts', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...SERVICE_KINDS].sort());
  });

  it('ready is weaker than healthy: a patroni leader accepting writes while a replica still clones is ready, not healthy', () => {
    const patroni = kindModule('patroni');
    const cloning = health([
      { name: 'p-1', status: 'unhealthy', role: 'leader', detail: 'timeline 1 · 1 streaming', serving: true },
      { name: 'p-2', status: 'healthy', role: 'sync-standby', detail: '', serving: true },
      { name: 'p-3', status: 'unhealthy', role: '-', detail: 'no status', serving: false },
    ]);
    expect(patroni.readyForDependents(cloning)).toEqual({ ok: true, reason: 'p-1 is leader' });
    expect(patroni.fullyHealthy(cloning).ok).toBe(false);
  });

  it('etcd needs a quorum with the leader among it; one member down still serves', () => {
    const etcd = kindModule('etcd');
    const m = (n: number, serving: boolean, role = n === 1 ? 'leader' : 'follower') => ({ name: `e-${n}`, status: serving ? ('healthy' as const) : ('unhealthy' as const), role, detail: '', serving });
    expect(etcd.readyForDependents(health([m(1, true), m(2, true), m(3, false, '-')])).ok).toBe(true);
    expect(etcd.readyForDependents(health([m(1, true), m(2, false, '-'), m(3, false, '-')])).ok).toBe(false);
    expect(etcd.readyForDependents(health([m(1, false, '-'), m(2, true, 'follower'), m(3, true, 'follower')])).reason).toMatch(/with a leader/);
  });
});

import type { KindModule } from '../kind';
import { allHealthy, allServing } from '../readiness';
import { parsePrometheusLogLine } from './log-line';
import { PROMETHEUS_ROLES, prometheusProbe, type PrometheusRole } from './prometheus-probe';
import { prometheusConfig } from './scrape-config';

export { PROMETHEUS_ROLES, type PrometheusRole };

/**
 * Prometheus (the opt-in observability profile): told the services it
 * depends on, it renders its own prometheus.yml and the exporters to run
 * from what their kinds expose, so no target is ever listed by hand.
 * Healthy when every target is up.
 */
export const prometheusKind: KindModule<PrometheusRole> = {
  kind: 'prometheus',
  roles: PROMETHEUS_ROLES,
  probe: prometheusProbe,
  readyForDependents: allServing,
  fullyHealthy: allHealthy,
  knows: [],
  render: (related) => {
    const config = prometheusConfig(related);
    return { PAWS360_PROMETHEUS_YML: config.yaml, PAWS360_EXPORTERS: config.exporters.join('\n') };
  },
  parseLogLine: parsePrometheusLogLine,
  // An opt-in local tool, not part of staging or production: no parameters to keep in line.
  parity: { declared: () => ({}), live: async () => ({ values: {}, problems: [] }) },
  simulations: [],
};

import type { ServiceDefinition } from '../core/service-config';
import { StackError } from '../core/errors';

/**
 * Services in start order, as layers: every service's dependencies are in
 * earlier layers, so the services of one layer can start in parallel.
 */
export function startLayers(services: ServiceDefinition[]): ServiceDefinition[][] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const placed = new Set<string>();
  const layers: ServiceDefinition[][] = [];
  while (placed.size < services.length) {
    const layer = services.filter(
      (s) => !placed.has(s.name) && s.config.dependsOn.every((d) => placed.has(d) || !byName.has(d)),
    );
    if (layer.length === 0) {
      const stuck = services.filter((s) => !placed.has(s.name)).map((s) => s.name);
      throw new StackError(`services depend on each other in a cycle: ${stuck.join(', ')} (check dependsOn in their service.json)`);
    }
    for (const s of layer) placed.add(s.name);
    layers.push(layer);
  }
  return layers;
}

import { serviceConfigSchema } from '../core/service-config';
import { serviceTargets } from './service-targets';

const definition = (config: Record<string, unknown>) => ({
  name: 'prometheus',
  root: 'infrastructure/prometheus',
  file: 'service.json',
  config: serviceConfigSchema.parse({ description: 'p', kind: 'prometheus', replicas: 1, ports: [{ name: 'http', container: 9090, host: 9090 }], ...config }),
});

describe('a service of an opt-in profile (service.json "profile")', () => {
  it('has no up, deploy or smoke: npm start (nx run-many -t up) and the pipeline never start it', () => {
    const targets = serviceTargets(definition({ profile: 'observe' }), { integrationTests: true });
    expect(Object.keys(targets).sort()).toEqual(['down', 'health', 'image', 'inspect', 'integration', 'logs', 'rebuild']);
  });

  it('without a profile the same service has them all', () => {
    expect(Object.keys(serviceTargets(definition({}), { integrationTests: true }))).toEqual(expect.arrayContaining(['up', 'deploy', 'smoke']));
  });

  it('a metrics endpoint must name one of its ports', () => {
    const result = serviceConfigSchema.safeParse({ description: 'a', kind: 'http', replicas: 1, ports: [{ name: 'http', container: 80, host: 80 }], healthCheck: { port: 'http', path: '/' }, metrics: { port: 'admin', path: '/metrics' } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('no port named \\"admin\\" in ports (http)');
  });
});

// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { SERVICE_KINDS, serviceConfigSchema } from '../core/service-config';
import { PLUGIN, serviceTargets } from '../plugin/service-targets';

/**
 * Every executor in executors.json is complete (implementation, schema.json,
 * schema.d.ts, spec) and its three descriptions of its options agree: the
 * zod schema it parses with, the schema.json Nx validates and documents, and
 * the schema.d.ts type.
 */
const pluginRoot = resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(pluginRoot, 'executors.json'), 'utf8')) as {
  executors: Record<string, { implementation: string; schema: string; description: string }>;
};
const entries = Object.entries(manifest.executors);
const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

interface JsonSchema {
  type: string;
  properties: Record<string, { type: string; default?: unknown; description?: string; examples?: unknown[] }>;
  additionalProperties: boolean;
  required?: string[];
}

describe('executors.json', () => {
  it('lists exactly the executors the inferred targets and the root stack project use', () => {
    const used = new Set<string>();
    const collect = (targets: Record<string, { executor?: string }>) => {
      for (const target of Object.values(targets)) {
        if (target.executor?.startsWith(`${PLUGIN}:`)) used.add(target.executor.slice(PLUGIN.length + 1));
      }
    };
    for (const kind of SERVICE_KINDS) {
      const http = { ports: [{ name: 'http', container: 80, host: 8080 }], healthCheck: { port: 'http', path: '/' } };
      const config = serviceConfigSchema.parse({ description: 'x', kind, replicas: 1, ...(kind === 'http' ? http : {}) });
      collect(serviceTargets({ name: 'x', root: 'infrastructure/x', file: 'service.json', config }, { integrationTests: true }));
    }
    // The root stack project and the apps' own targets (api:dev, api:migrate run on the host against the stack).
    for (const file of ['../../project.json', '../../apps/api/project.json']) {
      collect(JSON.parse(readFileSync(join(pluginRoot, file), 'utf8')).targets);
    }
    expect(Object.keys(manifest.executors).sort()).toEqual([...used].sort());
    expect([...used]).toEqual(expect.arrayContaining(['image', 'up', 'down', 'health', 'inspect', 'logs', 'rebuild', 'stack-health']));
  });

  it('is what package.json points Nx at', () => {
    expect(JSON.parse(readFileSync(join(pluginRoot, 'package.json'), 'utf8')).executors).toBe('./executors.json');
  });

  describe.each(entries)('%s', (name, entry) => {
    // The source folder (the implementation Nx loads is the built shim, see plugin/compiled-plugin.spec.ts).
    const folder = join(pluginRoot, dirname(entry.schema));
    const schemaJson = () => JSON.parse(readFileSync(join(pluginRoot, entry.schema), 'utf8')) as JsonSchema;
    const module = () => jest.requireActual(join(folder, 'executor.ts')) as Record<string, unknown>;
    const zodOptions = () => module()[`${camel(name)}Options`] as z.ZodObject;

    it('has executor.ts, schema.json, schema.d.ts and executor.spec.ts in its folder', () => {
      expect(folder).toBe(join(pluginRoot, 'src/executors', name));
      for (const file of ['executor.ts', 'schema.json', 'schema.d.ts', 'executor.spec.ts']) {
        expect([file, existsSync(join(folder, file))]).toEqual([file, true]);
      }
      expect(resolve(pluginRoot, entry.schema)).toBe(join(folder, 'schema.json'));
      expect(entry.description.length).toBeGreaterThan(10);
    });

    it('runs in Nx batch mode when executors.json says so: the same shim’s `batch` export, preferred', () => {
      const batched = entry as { implementation: string; batchImplementation?: string; preferBatch?: boolean };
      if (!batched.batchImplementation) return expect(batched.preferBatch).toBeUndefined();
      expect(batched.batchImplementation).toBe(`${entry.implementation}#batch`);
      expect(batched.preferBatch).toBe(true);
      expect(typeof module().batch).toBe('function');
    });

    it('exports a default executor function and its zod options schema', () => {
      expect(typeof module().default).toBe('function');
      expect(zodOptions()).toBeDefined();
      expect(Object.keys(zodOptions().shape).length).toBeGreaterThan(0);
    });

    it('schema.json’s properties are exactly the zod schema’s keys, closed and described', () => {
      const schema = schemaJson();
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(zodOptions().shape).sort());
      expect(schema.additionalProperties).toBe(false);
      for (const [key, property] of Object.entries(schema.properties)) {
        expect([key, typeof property.description]).toEqual([key, 'string']);
      }
    });

    it('schema.json’s defaults are the zod defaults, and its types accept what zod accepts', () => {
      const schema = schemaJson();
      // A required option is required by zod too; its example fills it in for the other checks.
      const required = Object.fromEntries((schema.required ?? []).map((key) => [key, schema.properties[key].examples?.[0]]));
      for (const key of schema.required ?? []) expect([key, zodOptions().safeParse({}).success]).toEqual([key, false]);
      const defaults = zodOptions().parse(required) as Record<string, unknown>;
      for (const [key, property] of Object.entries(schema.properties)) {
        if (key in required) continue;
        expect([key, property.default]).toEqual([key, defaults[key]]);
        const generic =
          property.type === 'boolean' ? true : property.type === 'number' ? 5 : property.type === 'string' ? '10m' : property.type === 'object' ? {} : undefined;
        // A schema's own example is a valid value by definition (a stack name must match its pattern).
        const sample = property.examples?.[0] ?? generic;
        expect([key, zodOptions().safeParse({ ...required, [key]: sample }).success]).toEqual([key, true]);
      }
    });

    it('schema.d.ts declares the same options, optional but for schema.json’s required ones', () => {
      const text = readFileSync(join(folder, 'schema.d.ts'), 'utf8');
      expect(text).toContain(`export interface ${camel(`-${name}`)}ExecutorSchema {`);
      const keys = [...text.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]);
      expect(keys.sort()).toEqual(Object.keys(schemaJson().properties).sort());
      const mandatory = [...text.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]);
      expect(mandatory.sort()).toEqual([...(schemaJson().required ?? [])].sort());
    });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceJsonSchema, serviceJsonSchemaText } from './service-json-schema';

describe('service.schema.json', () => {
  it('is up to date with the zod schema (run: npx nx run nx-stack:schema)', () => {
    const committed = readFileSync(join(__dirname, '../../service.schema.json'), 'utf8');
    expect(committed).toBe(serviceJsonSchemaText());
  });

  it('describes the fields a service.json has, with replicas bounded', () => {
    const schema = serviceJsonSchema() as {
      properties: Record<string, { minimum?: number; maximum?: number }>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['description', 'kind', 'replicas', 'dependsOn', 'ports', 'volumes']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['description', 'kind', 'replicas']));
    expect(schema.properties.replicas).toMatchObject({ minimum: 1, maximum: 9 });
  });
});

import { z } from 'zod';
import { serviceConfigSchema } from './service-config';

/** The JSON Schema editors use to check service.json as you type, derived from the zod schema. */
export function serviceJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(serviceConfigSchema, { io: 'input' }),
    title: 'PAWS360 stack service (service.json)',
  };
}

/** The committed file's text: `nx run nx-stack:schema` rewrites it. */
export const serviceJsonSchemaText = () => JSON.stringify(serviceJsonSchema(), null, 2) + '\n';

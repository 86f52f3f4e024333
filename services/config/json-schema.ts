// The JSON Schema of baro.config.json for editors, generated from the same zod schema that validates the file.
import { z } from 'zod';
import { configSchema } from './schema.js';

export const JSON_SCHEMA_PATH = 'schema/baro.config.schema.json';

/** The schema text as committed at JSON_SCHEMA_PATH (draft-07, which editors understand best). */
export function configJsonSchemaText(): string {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-7', io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'baro.config.json' }, null, 2)}\n`;
}

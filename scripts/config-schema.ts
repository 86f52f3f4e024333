// `npm run schema`: writes the editor schema of baro.config.json from the zod schema (a test checks it is current).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_PATH, configJsonSchemaText } from '../services/config/json-schema.js';

const target = fileURLToPath(new URL(`../${JSON_SCHEMA_PATH}`, import.meta.url));
await writeFile(target, configJsonSchemaText());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);

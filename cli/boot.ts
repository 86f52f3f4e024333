#!/usr/bin/env node
// What `baro` runs once built: the bundled program (baro.cjs beside this file), compiled from V8's code cache.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runWithCodeCache } from '../services/code-cache.js';
import { baroHome } from '../services/store/paths.js';

// V8 lets a small heap grow to about 4× what it holds before a full collection: baro holds some 20 MB at 384 stories,
// churns through much more, and runs for hours beside agents that need the memory. 1.5× costs ~0.2% more GC time.
// Set before the program is compiled: V8 refuses a code cache made under other flags.
setFlagsFromString('--heap-growing-percent=50');

const env = process.env;
const cacheDir = (): string | undefined => {
  const configured = env['BARO_CODE_CACHE'];
  if (configured === '0') return undefined;
  return configured !== undefined && configured !== '' ? configured : join(baroHome(env, homedir()), 'code-cache');
};

runWithCodeCache({
  file: fileURLToPath(new URL('./baro.cjs', import.meta.url)),
  cacheDir: cacheDir(),
  importModule: (specifier) => import(specifier),
  // A run's start-up is compiled well within a second; `baro --help` never writes the cache a run would then use.
  writeAfterMs: 1000,
});

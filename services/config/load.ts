// Finds, reads and validates baro.config.json; every failure is a ConfigError listing all its problems.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configProblems } from './issues.js';
import { configSchema } from './schema.js';
import type { BaroConfig } from './schema.js';

export const CONFIG_FILE = 'baro.config.json';

/** A config file that cannot be used; `problems` has one line per key at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], options?: ErrorOptions) {
    super(`Invalid config ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`, options);
    this.file = file;
    this.problems = problems;
  }
}

export interface LoadedConfig {
  readonly file: string;
  readonly config: BaroConfig;
}

// V8 names the offset where parsing stopped; people count lines.
function lineColumn(text: string, reason: string): string {
  const position = /at position (\d+)/.exec(reason)?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position));
  return ` at line ${before.split('\n').length}, column ${Number(position) - before.lastIndexOf('\n')}`;
}

/** Validates config JSON text read from `file`. */
export function parseConfig(text: string, file: string): BaroConfig {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [`not valid JSON${lineColumn(text, reason)} (${reason})`], { cause: error });
  }
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(file, configProblems(parsed.error, value), { cause: parsed.error });
  return parsed.data;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [`cannot read the file (${reason})`], { cause: error });
  }
}

/**
 * `explicit` (from --config) must exist; otherwise `baro.config.json` in the repository root is read when present.
 * Undefined when there is no config at all.
 */
export async function loadConfig(input: {
  readonly explicit: string | undefined;
  readonly repoDir: string | undefined;
}): Promise<LoadedConfig | undefined> {
  const file = input.explicit ?? (input.repoDir === undefined ? undefined : join(input.repoDir, CONFIG_FILE));
  if (file === undefined) return undefined;
  const text = await readText(file);
  if (text === undefined) {
    if (input.explicit === undefined) return undefined;
    throw new ConfigError(file, ['no such file (check the --config path)']);
  }
  return { file, config: parseConfig(text, file) };
}

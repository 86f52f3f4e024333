// Resolves what a run works with: flags over baro.config.json over the defaults; config problems are bad input (exit 2).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../services/config/load.js';
import type { BaroConfig } from '../services/config/schema.js';
import { keysNotActedOn, settingsFrom } from '../services/config/settings.js';
import type { RunSettings } from '../services/config/settings.js';
import { notIgnored } from '../services/git/ignored.js';
import { repoRootIfAny } from '../services/git/repo.js';
import { UsageError } from './errors.js';
import type { ConfigurableOption, RunOptions } from './options.js';

export interface ConfiguredRun {
  /** The options with the config file's parallel, base and models where no flag gave them. */
  readonly options: RunOptions;
  readonly settings: RunSettings;
  /** The repository's top folder, found to look for baro.config.json; undefined outside a repository. */
  readonly repoDir: string | undefined;
  /** The file's contents as validated; undefined when there is no config file. */
  readonly config: BaroConfig | undefined;
}

/** The file's value unless the flag was typed. */
function pick<T>(options: RunOptions, flag: ConfigurableOption, fromFlag: T, fromFile: T | undefined): T {
  return options.fromFlags.includes(flag) || fromFile === undefined ? fromFlag : fromFile;
}

export function mergeOptions(options: RunOptions, config: BaroConfig): RunOptions {
  const models = config.models ?? {};
  return {
    ...options,
    parallel: pick(options, 'parallel', options.parallel, config.parallel),
    base: pick(options, 'base', options.base, config.base),
    models: {
      planner: pick(options, 'modelPlanner', options.models.planner, models.planner),
      story: pick(options, 'modelStory', options.models.story, models.story),
      critic: pick(options, 'modelCritic', options.models.critic, models.critic),
      surgeon: pick(options, 'modelSurgeon', options.models.surgeon, models.surgeon),
    },
  };
}

/**
 * Files copied into worktrees are usually local secrets (`.env`): one git would not ignore would be committed with
 * each story and pushed, so it is refused; one missing is skipped (it often exists on one machine and not another).
 */
async function checkCopies(repoDir: string, copy: readonly string[], file: string, warn: (line: string) => void) {
  const present = copy.filter((path) => existsSync(join(repoDir, path)));
  for (const path of copy) {
    if (!present.includes(path))
      warn(`baro: worktree.copy: ${path} is not in ${repoDir}; story worktrees will not have it.`);
  }
  const exposed = await notIgnored(repoDir, present);
  if (exposed.length > 0) {
    throw new UsageError(
      `worktree.copy in ${file}: git does not ignore ${exposed.join(', ')}, so every story would commit the copy to its branch. Add each to .gitignore, or take it out of worktree.copy.`,
      { option: '--config', value: file },
    );
  }
}

/**
 * Reads `--config FILE` (relative to `cwd`) or `baro.config.json` in the repository root, validates it and merges it
 * under the flags; the repository's files are not looked at (`baro plan` needs no more).
 */
export async function readRunConfig(input: {
  readonly options: RunOptions;
  readonly cwd: string;
  /** The repository around cwd when it was asked of git already. */
  readonly repoDirAsked?: Promise<string | undefined> | undefined;
}): Promise<ConfiguredRun> {
  const { options, cwd } = input;
  const repoDir = await (input.repoDirAsked ?? repoRootIfAny(cwd));
  const explicit = options.config === undefined ? undefined : resolve(cwd, options.config);
  let loaded;
  try {
    loaded = await loadConfig({ explicit, repoDir });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const next = 'Fix the file (its JSON Schema: schema/baro.config.schema.json in the baro package) and run again';
    throw new UsageError(`${error.message}\n${next}.`, { option: '--config', value: error.file, cause: error });
  }
  if (loaded === undefined)
    return { options, settings: settingsFrom(undefined, undefined), repoDir, config: undefined };
  const settings = settingsFrom(loaded.config, loaded.file);
  return { options: mergeOptions(options, loaded.config), settings, repoDir, config: loaded.config };
}

/**
 * The config as a run needs it (readRunConfig), with the `worktree.copy` files checked. `warn` receives one line per
 * accepted key this version does not act on, and per `worktree.copy` path missing from the repository.
 */
export async function configureRun(input: {
  readonly options: RunOptions;
  readonly cwd: string;
  readonly repoDirAsked?: Promise<string | undefined> | undefined;
  readonly warn: (line: string) => void;
}): Promise<ConfiguredRun> {
  const configured = await readRunConfig(input);
  const { settings, repoDir, config } = configured;
  if (config === undefined || settings.file === undefined) return configured;
  for (const key of keysNotActedOn(config)) {
    input.warn(`baro: ${key} in ${settings.file} is accepted, but this version does not act on it yet.`);
  }
  if (repoDir !== undefined) await checkCopies(repoDir, settings.worktree.copy, settings.file, input.warn);
  return configured;
}

// Validates the options commander collected for `run` (strings and flags) into one typed RunOptions.
import { z } from 'zod';
import { MAX_PARALLEL, modelSchema } from '../services/config/schema.js';
import { UsageError } from './errors.js';

export interface RunModels {
  readonly planner: string;
  readonly story: string;
  readonly critic: string;
  readonly surgeon: string;
}

export interface RunOptions {
  /** Plan file to use instead of planning with the model. */
  readonly plan: string | undefined;
  /** Stories running at once, 1..32. */
  readonly parallel: number;
  readonly yes: boolean;
  /** Branch the run starts from and the PR targets; undefined = the remote's default, else the current branch. */
  readonly base: string | undefined;
  readonly push: boolean;
  /** Always false when push is false (`--no-push` implies `--no-pr`). */
  readonly pr: boolean;
  readonly draft: boolean;
  /** Keep merged stories' branches too (failed stories' branches are always kept). */
  readonly keepBranches: boolean;
  readonly json: boolean;
  readonly inspect: boolean;
  readonly config: string | undefined;
  readonly models: RunModels;
  /** The options the config file may set that were given on the command line: these win over the file. */
  readonly fromFlags: readonly ConfigurableOption[];
}

/** Options that baro.config.json can also set (`parallel`, `base`, `models.*`). */
export const CONFIGURABLE_OPTIONS = [
  'parallel',
  'base',
  'modelPlanner',
  'modelStory',
  'modelCritic',
  'modelSurgeon',
] as const;
export type ConfigurableOption = (typeof CONFIGURABLE_OPTIONS)[number];

const DEFAULT_MODELS: RunModels = { planner: 'opus', story: 'sonnet', critic: 'haiku', surgeon: 'sonnet' };

const text = z.string().trim().min(1);
const model = modelSchema;

const rawRunOptionsSchema = z.object({
  plan: text.optional(),
  parallel: z
    .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
    .pipe(z.number().int().min(1).max(MAX_PARALLEL))
    .default(3),
  yes: z.boolean().default(false),
  base: text.optional(),
  push: z.boolean().default(true),
  pr: z.boolean().default(true),
  draft: z.boolean().default(false),
  keepBranches: z.boolean().default(false),
  json: z.boolean().default(false),
  inspect: z.boolean().default(false),
  config: text.optional(),
  modelPlanner: model.default(DEFAULT_MODELS.planner),
  modelStory: model.default(DEFAULT_MODELS.story),
  modelCritic: model.default(DEFAULT_MODELS.critic),
  modelSurgeon: model.default(DEFAULT_MODELS.surgeon),
});

type RawKey = keyof z.input<typeof rawRunOptionsSchema>;

// How each option is spelled on the command line and what it accepts, for error messages.
const OPTION_HELP: Record<RawKey, { flag: string; allowed: string }> = {
  plan: { flag: '--plan', allowed: 'a file path' },
  parallel: { flag: '--parallel', allowed: `an integer from 1 to ${MAX_PARALLEL}` },
  yes: { flag: '--yes', allowed: 'a flag without a value' },
  base: { flag: '--base', allowed: 'a branch name' },
  push: { flag: '--no-push', allowed: 'a flag without a value' },
  pr: { flag: '--no-pr', allowed: 'a flag without a value' },
  draft: { flag: '--draft', allowed: 'a flag without a value' },
  keepBranches: { flag: '--keep-branches', allowed: 'a flag without a value' },
  json: { flag: '--json', allowed: 'a flag without a value' },
  inspect: { flag: '--inspect', allowed: 'a flag without a value' },
  config: { flag: '--config', allowed: 'a file path' },
  modelPlanner: { flag: '--model-planner', allowed: 'a model alias or id without spaces, like opus' },
  modelStory: { flag: '--model-story', allowed: 'a model alias or id without spaces, like sonnet' },
  modelCritic: { flag: '--model-critic', allowed: 'a model alias or id without spaces, like haiku' },
  modelSurgeon: { flag: '--model-surgeon', allowed: 'a model alias or id without spaces, like sonnet' },
};

/**
 * Turns commander's `opts()` for `run` into RunOptions; bad values throw a UsageError naming the option.
 * `given` names the options typed on the command line (commander's value source `cli`); by default every option
 * present in `raw`.
 */
export function parseRunOptions(raw: unknown, given?: (name: string) => boolean): RunOptions {
  const result = rawRunOptionsSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw usageErrorFor(raw, result.error);
  }
  const o = result.data;
  return {
    plan: o.plan,
    parallel: o.parallel,
    yes: o.yes,
    base: o.base,
    push: o.push,
    pr: o.push && o.pr,
    draft: o.draft,
    keepBranches: o.keepBranches,
    json: o.json,
    inspect: o.inspect,
    config: o.config,
    models: { planner: o.modelPlanner, story: o.modelStory, critic: o.modelCritic, surgeon: o.modelSurgeon },
    fromFlags: CONFIGURABLE_OPTIONS.filter((name) => (given ? given(name) : presentIn(raw, name))),
  };
}

function presentIn(raw: unknown, name: string): boolean {
  return typeof raw === 'object' && raw !== null && Reflect.get(raw, name) !== undefined;
}

/** A run needs something to do: a goal, or a plan file that carries one. */
export function assertGoalOrPlan(goal: string | undefined, options: RunOptions): void {
  if ((goal === undefined || goal.trim() === '') && options.plan === undefined) {
    throw new UsageError(
      'Missing goal: give one (baro "<goal>") or a plan file (baro run --plan FILE). Run `baro --help` for usage.',
      { option: 'goal', value: goal },
    );
  }
}

function usageErrorFor(raw: unknown, error: z.ZodError): UsageError {
  const issue = error.issues[0];
  const key = issue?.path[0];
  if (typeof key !== 'string' || !(key in OPTION_HELP)) {
    return new UsageError(`Invalid options for run: ${z.prettifyError(error)}`, { cause: error });
  }
  const { flag, allowed } = OPTION_HELP[key as RawKey];
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  return new UsageError(`Invalid value for ${flag}: ${JSON.stringify(value)}. Expected ${allowed}.`, {
    option: flag,
    value,
    cause: error,
  });
}

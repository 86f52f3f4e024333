// The shape of baro.config.json (docs: README "Configuration"): one strict zod schema for validation and the editor schema.
import { z } from 'zod';

export const MAX_PARALLEL = 32;

/** What each key accepts, in plain words: the error messages and the JSON Schema descriptions say the same thing. */
export const EXPECTS = {
  $schema: 'the path or URL of the JSON Schema (for editors; baro ignores it)',
  parallel: `a whole number from 1 to ${MAX_PARALLEL}`,
  base: 'a branch name',
  models: 'an object with planner, story, critic and surgeon',
  model: 'a model alias or id without spaces, like sonnet',
  agent: 'an object with permissionMode, allowedTools, maxTurns, maxBudgetUsd and idleMinutes',
  permissionMode: 'one of default, acceptEdits, auto, dontAsk, plan, bypassPermissions',
  allowedTools: 'a list of permission rules, like ["Bash(npm test:*)"]',
  allowedTool: 'a permission rule, like "Bash(npm test:*)"',
  maxTurns: 'a whole number from 1 to 10000',
  maxBudgetUsd: 'a number of US dollars above 0, like 5',
  idleMinutes: 'a number of minutes above 0 and up to 1440, like 20',
  verify: 'an object with commands and timeoutSeconds',
  commands: 'a list of shell commands, like ["npm test"]',
  command: 'a shell command (text that is not empty)',
  timeoutSeconds: 'a whole number of seconds from 1 to 86400',
  worktree: 'an object with setup and copy',
  setup: 'a list of shell commands, like ["npm ci"]',
  copy: 'a list of paths inside the repository, like [".env"]',
  copyPath: 'a path inside the repository, like ".env" (not absolute, no "..")',
  review: 'an object with maxRounds',
  maxRounds: 'a whole number from 0 to 10',
  replan: 'an object with budget',
  budget: 'a whole number from 0 to 100',
  quota: 'an object with marginSeconds and pauseAtUtilization',
  marginSeconds: 'a whole number of seconds from 0 to 3600',
  pauseAtUtilization: 'a share of the quota above 0 and up to 1, like 0.95',
  participants: 'a list of participants, like ["./ci-notify.js"] (docs/participants.md)',
  participant:
    'a module path, a package name, webhook or command; or an object with module, options and timeoutSeconds',
  participantModule: 'a module path, a package name, webhook or command (text that is not empty)',
  participantOptions: 'an object the participant module reads (webhook: url, events, …; command: run, events)',
  participantTimeout: 'a whole number of seconds from 1 to 3600: how long the participant may take per event',
  live: 'an object with maxMessages',
  maxMessages: 'a whole number from 0 to 100',
} as const;

const wholeNumber = (min: number, max: number, expects: string) => z.number().int().min(min).max(max).describe(expects);
const text = (expects: string) => z.string().trim().min(1).describe(expects);
const list = <T extends z.ZodType>(item: T, expects: string) => z.array(item).describe(expects);

// Model aliases (`opus`) and full ids (`claude-sonnet-4-5-20250929`, `opus[1m]`) have no spaces.
export const modelSchema = z
  .string()
  .regex(/^[\w.:\-[\]/@]+$/)
  .describe(EXPECTS.model);

// `manual` is the CLI's alias of `default`; unattended agents cannot answer prompts, so it is not offered.
export const PERMISSION_MODES = ['default', 'acceptEdits', 'auto', 'dontAsk', 'plan', 'bypassPermissions'] as const;

/** Relative, inside the repository: `.env`, `config/local.json`; never `/etc/passwd` nor `../secrets`. */
export function isInsideRelativePath(path: string): boolean {
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return false;
  return !path.split(/[\\/]/).some((part) => part === '..');
}

const copyPath = z
  .string()
  .trim()
  .min(1)
  .refine(isInsideRelativePath, { error: 'not inside the repository' })
  .describe(EXPECTS.copyPath);

const participantSchema = z
  .union([
    text(EXPECTS.participantModule),
    z.strictObject({
      module: text(EXPECTS.participantModule),
      options: z.record(z.string(), z.unknown()).describe(EXPECTS.participantOptions).optional(),
      timeoutSeconds: wholeNumber(1, 3600, EXPECTS.participantTimeout).optional(),
    }),
  ])
  .describe(EXPECTS.participant);

/** One `participants` entry as written. */
export type ParticipantEntry = z.infer<typeof participantSchema>;

export const configSchema = z
  .strictObject({
    $schema: z.string().describe(EXPECTS.$schema),
    parallel: wholeNumber(1, MAX_PARALLEL, EXPECTS.parallel),
    base: text(EXPECTS.base),
    models: z
      .strictObject({
        planner: modelSchema,
        story: modelSchema,
        critic: modelSchema,
        surgeon: modelSchema,
      })
      .partial()
      .describe(EXPECTS.models),
    agent: z
      .strictObject({
        permissionMode: z.enum(PERMISSION_MODES).describe(EXPECTS.permissionMode),
        allowedTools: list(text(EXPECTS.allowedTool), EXPECTS.allowedTools),
        maxTurns: wholeNumber(1, 10_000, EXPECTS.maxTurns),
        maxBudgetUsd: z.number().positive().describe(EXPECTS.maxBudgetUsd),
        idleMinutes: z.number().positive().max(1440).describe(EXPECTS.idleMinutes),
      })
      .partial()
      .describe(EXPECTS.agent),
    verify: z
      .strictObject({
        commands: list(text(EXPECTS.command), EXPECTS.commands),
        timeoutSeconds: wholeNumber(1, 86_400, EXPECTS.timeoutSeconds),
      })
      .partial()
      .describe(EXPECTS.verify),
    worktree: z
      .strictObject({
        setup: list(text(EXPECTS.command), EXPECTS.setup),
        copy: list(copyPath, EXPECTS.copy),
      })
      .partial()
      .describe(EXPECTS.worktree),
    review: z
      .strictObject({ maxRounds: wholeNumber(0, 10, EXPECTS.maxRounds) })
      .partial()
      .describe(EXPECTS.review),
    replan: z
      .strictObject({ budget: wholeNumber(0, 100, EXPECTS.budget) })
      .partial()
      .describe(EXPECTS.replan),
    quota: z
      .strictObject({
        marginSeconds: wholeNumber(0, 3600, EXPECTS.marginSeconds),
        pauseAtUtilization: z.number().positive().max(1).describe(EXPECTS.pauseAtUtilization),
      })
      .partial()
      .describe(EXPECTS.quota),
    participants: list(participantSchema, EXPECTS.participants),
    live: z
      .strictObject({
        maxMessages: wholeNumber(0, 100, EXPECTS.maxMessages),
      })
      .partial()
      .describe(EXPECTS.live),
  })
  .partial()
  .describe('baro.config.json: settings of baro runs in this repository; command-line flags override them');

/** The file as written: every key optional. */
export type BaroConfig = z.infer<typeof configSchema>;

// The settings a run works with: the config file's values over baro's defaults (flags are merged in cli/).
import type { PermissionMode } from '../claude/argv.js';
import type { BaroConfig, ParticipantEntry } from './schema.js';

export interface AgentSettings {
  readonly permissionMode: PermissionMode;
  /** Permission rules added to baro's default allowlist (services/permissions.ts). */
  readonly allowedTools: readonly string[];
  readonly maxTurns: number;
  /** `--max-budget-usd` of every agent turn; undefined sets no budget. */
  readonly maxBudgetUsd: number | undefined;
  /** A turn whose agent prints nothing for this long is stopped and retried. */
  readonly idleMinutes: number;
}

export interface WorktreeSettings {
  /** Shell commands run in each new story worktree, in order, before its agent starts. */
  readonly setup: readonly string[];
  /** Paths (relative to the repository root) copied into each new story worktree. */
  readonly copy: readonly string[];
}

export interface RunSettings {
  /** The config file read, or undefined when there was none. */
  readonly file: string | undefined;
  readonly agent: AgentSettings;
  readonly worktree: WorktreeSettings;
  readonly verify: { readonly commands: readonly string[]; readonly timeoutSeconds: number };
  readonly review: { readonly maxRounds: number };
  readonly replan: { readonly budget: number };
  readonly quota: { readonly marginSeconds: number; readonly pauseAtUtilization: number };
  readonly participants: readonly ParticipantEntry[];
  /** Live messages into running sessions: at most `maxMessages` per story. */
  readonly live: { readonly maxMessages: number };
}

export const DEFAULT_SETTINGS: Omit<RunSettings, 'file'> = {
  agent: { permissionMode: 'acceptEdits', allowedTools: [], maxTurns: 200, maxBudgetUsd: undefined, idleMinutes: 20 },
  worktree: { setup: [], copy: [] },
  verify: { commands: [], timeoutSeconds: 900 },
  review: { maxRounds: 2 },
  replan: { budget: 3 },
  quota: { marginSeconds: 60, pauseAtUtilization: 0.95 },
  participants: [],
  live: { maxMessages: 6 },
};

/** The defaults, with each value the file sets (a key set to nothing keeps its default). */
function over<T extends object>(defaults: T, values: { [K in keyof T]?: T[K] | undefined } | undefined): T {
  const out = { ...defaults };
  for (const key of Object.keys(values ?? {}) as (keyof T)[]) {
    const value = values?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function settingsFrom(config: BaroConfig | undefined, file: string | undefined): RunSettings {
  const d = DEFAULT_SETTINGS;
  const c = config ?? {};
  return {
    file,
    agent: over(d.agent, c.agent),
    worktree: over(d.worktree, c.worktree),
    verify: over(d.verify, c.verify),
    review: over(d.review, c.review),
    replan: over(d.replan, c.replan),
    quota: over(d.quota, c.quota),
    participants: c.participants ?? d.participants,
    live: over(d.live, c.live),
  };
}

// Keys of docs/cli.md whose features this version does not have yet: accepted, and said to do nothing.
const NOT_ACTED_ON: readonly { readonly key: string; readonly set: (c: BaroConfig) => boolean }[] = [];

/** The keys set in `config` that this version accepts but does not act on yet. */
export function keysNotActedOn(config: BaroConfig): string[] {
  return NOT_ACTED_ON.filter((entry) => entry.set(config)).map((entry) => entry.key);
}

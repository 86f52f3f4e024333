// The story's worktree setup as a promise actor: configured files copied in, setup commands run, before its agent.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fromPromise } from 'xstate';
import type { WorktreeSetupOutput, WorktreeSetupRequest } from '../machines/story-events.js';
import type { WorktreeSettings } from '../services/config/settings.js';
import { removeUntracked } from '../services/git/reuse.js';
import { portEnv } from '../services/story-port.js';
import type { RunPaths } from '../services/store/paths.js';
import { lastSetup, recordSetup, setupFingerprint } from '../services/setup-fingerprint.js';
import { setUpWorktree } from '../services/worktree-setup.js';
import type { WorktreeSetupResult } from '../services/worktree-setup.js';

export interface WorktreeSetupDeps {
  readonly runId: string;
  readonly repoDir: string;
  readonly paths: RunPaths;
  readonly settings: WorktreeSettings;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** The story's PORT, the same its agent gets. */
  readonly portOf: (storyId: string) => number;
  readonly timeoutMs: number;
}

/** True when a new worktree has anything to set up; otherwise the story skips the settingUp state. */
export function hasWorktreeSetup(settings: WorktreeSettings): boolean {
  return settings.setup.length > 0 || settings.copy.length > 0;
}

function runEnv(deps: WorktreeSetupDeps): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(deps.baseEnv)) if (value !== undefined) env[key] = value;
  delete env['BARO_STORY_ID'];
  return { ...env, BARO_RUN_ID: deps.runId };
}

const storyEnv = (deps: WorktreeSetupDeps, storyId: string): Record<string, string> => ({
  ...runEnv(deps),
  ...portEnv(deps.portOf(storyId)),
  BARO_STORY_ID: storyId,
});

interface Target {
  readonly worktree: string;
  readonly logPath: string;
  readonly env: Record<string, string>;
}

/**
 * Copies the configured files, then runs the setup commands unless they already succeeded in this worktree against
 * the same dependency files (a pooled worktree whose previous story left its build folders).
 */
async function setUp(deps: WorktreeSetupDeps, { worktree, logPath, env }: Target, signal: AbortSignal) {
  const fingerprint = await setupFingerprint(worktree, deps.settings.setup);
  const done = deps.settings.setup.length > 0 && (await lastSetup(worktree)) === fingerprint;
  // Forgotten first: a setup stopped half-way leaves its folders half-built, and the next story must run it again.
  if (!done) await recordSetup(worktree, undefined);
  const result = await setUpWorktree({
    repoDir: deps.repoDir,
    worktree,
    copy: deps.settings.copy,
    commands: done ? [] : deps.settings.setup,
    env,
    timeoutMs: deps.timeoutMs,
    logPath,
    signal,
  });
  if (done) {
    await mkdir(dirname(logPath), { recursive: true });
    await appendFile(logPath, `setup skipped: it already ran in ${worktree} and its dependency files are unchanged\n`);
  } else if (result.kind === 'ok') await recordSetup(worktree, fingerprint);
  return result;
}

export function worktreeSetupLogic(deps: WorktreeSetupDeps) {
  return fromPromise<WorktreeSetupOutput, WorktreeSetupRequest>(({ input, signal }) =>
    setUp(
      deps,
      {
        worktree: input.worktree ?? deps.paths.storyWorktree(input.storyId),
        logPath: join(deps.paths.storyDir(input.storyId), 'setup.log'),
        env: storyEnv(deps, input.storyId),
      },
      signal,
    ),
  );
}

/**
 * Readies the integration worktree like a story's before the gates check it: the checks that passed in a story's
 * worktree need the same dependencies there. What the commands leave that git does not ignore is removed, so that
 * no merge trips over it.
 */
export function integrationSetup(deps: WorktreeSetupDeps): (signal: AbortSignal) => Promise<WorktreeSetupResult> {
  const worktree = deps.paths.integrationWorktree;
  return async (signal) => {
    if (!hasWorktreeSetup(deps.settings)) return { kind: 'ok' };
    const logPath = join(deps.paths.runDir, 'integration-setup.log');
    const result = await setUp(deps, { worktree, logPath, env: runEnv(deps) }, signal);
    if (result.kind === 'ok') await removeUntracked(worktree);
    return result;
  };
}

// The story's worktree setup as a promise actor: configured files copied in, setup commands run, before its agent.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fromPromise } from 'xstate';
import type { WorktreeSetupOutput, WorktreeSetupRequest } from '../machines/story-events.js';
import type { WorktreeSettings } from '../services/config/settings.js';
import { portEnv } from '../services/story-port.js';
import type { RunPaths } from '../services/store/paths.js';
import { lastSetup, recordSetup, setupFingerprint } from '../services/setup-fingerprint.js';
import { setUpWorktree } from '../services/worktree-setup.js';

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

function setupEnv(deps: WorktreeSetupDeps, storyId: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(deps.baseEnv)) if (value !== undefined) env[key] = value;
  return { ...env, ...portEnv(deps.portOf(storyId)), BARO_RUN_ID: deps.runId, BARO_STORY_ID: storyId };
}

/**
 * Copies the configured files, then runs the setup commands unless they already succeeded in this worktree against
 * the same dependency files (a pooled worktree whose previous story left its build folders).
 */
async function setUp(deps: WorktreeSetupDeps, input: WorktreeSetupRequest, signal: AbortSignal) {
  const worktree = input.worktree ?? deps.paths.storyWorktree(input.storyId);
  const logPath = join(deps.paths.storyDir(input.storyId), 'setup.log');
  const fingerprint = await setupFingerprint(worktree, deps.settings.setup);
  const done = deps.settings.setup.length > 0 && (await lastSetup(worktree)) === fingerprint;
  // Forgotten first: a setup stopped half-way leaves its folders half-built, and the next story must run it again.
  if (!done) await recordSetup(worktree, undefined);
  const result = await setUpWorktree({
    repoDir: deps.repoDir,
    worktree,
    copy: deps.settings.copy,
    commands: done ? [] : deps.settings.setup,
    env: setupEnv(deps, input.storyId),
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
  return fromPromise<WorktreeSetupOutput, WorktreeSetupRequest>(({ input, signal }) => setUp(deps, input, signal));
}

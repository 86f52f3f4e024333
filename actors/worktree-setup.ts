// The story's worktree setup as a promise actor: configured files copied in, setup commands run, before its agent.
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import type { WorktreeSetupOutput } from '../machines/story-events.js';
import type { WorktreeSettings } from '../services/config/settings.js';
import { portEnv } from '../services/story-port.js';
import type { RunPaths } from '../services/store/paths.js';
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

export function worktreeSetupLogic(deps: WorktreeSetupDeps) {
  return fromPromise<WorktreeSetupOutput, { storyId: string }>(({ input, signal }) =>
    setUpWorktree({
      repoDir: deps.repoDir,
      worktree: deps.paths.storyWorktree(input.storyId),
      copy: deps.settings.copy,
      commands: deps.settings.setup,
      env: setupEnv(deps, input.storyId),
      timeoutMs: deps.timeoutMs,
      logPath: join(deps.paths.storyDir(input.storyId), 'setup.log'),
      signal,
    }),
  );
}

// The Auditor's effects: which commands verify a worktree, and running one of them there.
import { fromPromise } from 'xstate';
import { auditorMachine } from '../machines/auditor.js';
import type { WorktreeSetupOutput } from '../machines/story-events.js';
import type { AuditTarget, VerifyResult } from '../machines/types.js';
import { readHead } from '../services/git/git-dir.js';
import { portEnv } from '../services/story-port.js';
import type { RunPaths } from '../services/store/paths.js';
import { verificationCommands } from '../services/verify/commands.js';
import { runCheck } from '../services/verify/run-check.js';

export interface AuditorDeps {
  readonly runId: string;
  readonly paths: Pick<RunPaths, 'storyWorktree' | 'integrationWorktree'>;
  /** `verify.commands` of the configuration; none means the detected checks. */
  readonly commands: readonly string[];
  readonly timeoutMs: number;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** A story's checks get its PORT, like its agent. */
  readonly portOf: (storyId: string) => number;
  /** Readies the integration worktree (`worktree.setup`) before a gate checks it, as each story's was. */
  readonly setUpIntegration?: ((signal: AbortSignal) => Promise<WorktreeSetupOutput>) | undefined;
}

const worktreeOf = (deps: AuditorDeps, target: AuditTarget): string =>
  target.kind === 'story'
    ? (target.worktree ?? deps.paths.storyWorktree(target.storyId))
    : deps.paths.integrationWorktree;

// CI=true: test runners that would watch for changes or ask a question run once and exit instead.
function checkEnv(deps: AuditorDeps, target: AuditTarget): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(deps.baseEnv)) if (value !== undefined) env[key] = value;
  delete env['BARO_STORY_ID'];
  const story =
    target.kind === 'story' ? { ...portEnv(deps.portOf(target.storyId)), BARO_STORY_ID: target.storyId } : {};
  return { ...env, CI: 'true', BARO_RUN_ID: deps.runId, ...story };
}

/**
 * The Auditor with its effects: checks listed from the config or the worktree's manifests, each run in a group. A
 * check already run on the same integration commit (the last level's gate, then the final gate) is not run again.
 */
export function provideAuditor(deps: AuditorDeps) {
  const onIntegration = new Map<string, Promise<VerifyResult>>();
  const check = (input: { target: AuditTarget; command: string }, signal: AbortSignal) =>
    runCheck({
      command: input.command,
      cwd: worktreeOf(deps, input.target),
      env: checkEnv(deps, input.target),
      timeoutMs: deps.timeoutMs,
      signal,
    });
  const checkIntegration = async (input: { target: AuditTarget; command: string }, signal: AbortSignal) => {
    const key = `${(await readHead(deps.paths.integrationWorktree)).sha} ${input.command}`;
    const known = onIntegration.get(key);
    if (known !== undefined) return known;
    const running = check(input, signal);
    onIntegration.set(key, running);
    // A check that was stopped verified nothing: the next gate runs it again.
    running.catch(() => onIntegration.delete(key));
    return running;
  };
  return auditorMachine.provide({
    actors: {
      listChecks: fromPromise<readonly string[], AuditTarget>(({ input }) =>
        verificationCommands(worktreeOf(deps, input), deps.commands),
      ),
      runCheck: fromPromise<VerifyResult, { target: AuditTarget; command: string }>(({ input, signal }) =>
        input.target.kind === 'story' ? check(input, signal) : checkIntegration(input, signal),
      ),
      prepareWorktree: fromPromise<WorktreeSetupOutput, AuditTarget>(
        async ({ signal }) => (await deps.setUpIntegration?.(signal)) ?? { kind: 'ok' },
      ),
    },
  });
}

export type ProvidedAuditor = ReturnType<typeof provideAuditor>;

// The Auditor's effects: which commands verify a worktree, and running one of them there.
import { fromPromise } from 'xstate';
import { auditorMachine } from '../machines/auditor.js';
import type { AuditTarget, VerifyResult } from '../machines/types.js';
import { readHead } from '../services/git/git-dir.js';
import { portEnv } from '../services/story-port.js';
import type { RunPaths } from '../services/store/paths.js';
import { verificationCommands } from '../services/verify/commands.js';
import { runCheck } from '../services/verify/run-check.js';
import type { WorktreeSetupResult } from '../services/worktree-setup.js';

export interface AuditorDeps {
  readonly runId: string;
  readonly paths: Pick<RunPaths, 'storyWorktree' | 'integrationWorktree'>;
  /** `verify.commands` of the configuration; none means the detected checks. */
  readonly commands: readonly string[];
  readonly timeoutMs: number;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** A story's checks get its PORT, like its agent. */
  readonly portOf: (storyId: string) => number;
  /** Readies the integration worktree (`worktree.setup`) before its checks, as each story's was before its own. */
  readonly setUpIntegration?: ((signal: AbortSignal) => Promise<WorktreeSetupResult>) | undefined;
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
  // Each gate sets the worktree up once for all its checks (a setup already done there is skipped at once).
  const setups = new Map<string, Promise<WorktreeSetupResult>>();
  const setUpFor = (target: AuditTarget, signal: AbortSignal): Promise<WorktreeSetupResult> => {
    const gate = target.kind === 'integration' ? `integration ${target.level}` : target.kind;
    const known = setups.get(gate);
    if (known !== undefined) return known;
    const setup = deps.setUpIntegration?.(signal) ?? Promise.resolve({ kind: 'ok' } as const);
    setups.set(gate, setup);
    return setup;
  };
  const check = (input: { target: AuditTarget; command: string }, signal: AbortSignal) =>
    runCheck({
      command: input.command,
      cwd: worktreeOf(deps, input.target),
      env: checkEnv(deps, input.target),
      timeoutMs: deps.timeoutMs,
      signal,
    });
  const checkIntegration = async (
    input: { target: AuditTarget; command: string },
    signal: AbortSignal,
  ): Promise<VerifyResult> => {
    const key = `${(await readHead(deps.paths.integrationWorktree)).sha} ${input.command}`;
    const known = onIntegration.get(key);
    if (known !== undefined) return known;
    // Without its dependencies a check would fail for the worktree's sake, not the code's: it could not run.
    const running = setUpFor(input.target, signal).then((setup): Promise<VerifyResult> | VerifyResult =>
      setup.kind === 'failed'
        ? { command: input.command, status: 'notRun', exitCode: null, durationMs: 0, tail: setup.reason }
        : check(input, signal),
    );
    onIntegration.set(key, running);
    // A check that was stopped, or could not run, verified nothing: the next gate runs it again.
    const forget = () => onIntegration.delete(key);
    running.then((result) => result.status === 'notRun' && forget(), forget);
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
    },
  });
}

export type ProvidedAuditor = ReturnType<typeof provideAuditor>;

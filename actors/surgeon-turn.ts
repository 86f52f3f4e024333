// One Surgeon turn: the prompt, a read-only Claude turn where the failure happened, the answer checked.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import type { SurgeonTurnInput, SurgeonTurnOutput } from '../machines/surgeon.js';
import type { SurgeonCase } from '../machines/surgery.js';
import { readHead } from '../services/git/git-dir.js';
import type { RunPaths } from '../services/store/paths.js';
import { readSurgeonAnswer } from '../services/surgeon-answer.js';
import { repairSurgeonPrompt, surgeonJsonSchema, surgeonPrompt } from '../services/surgeon-prompt.js';
import { claudeTurn } from './claude-turn.js';
import type { TurnDeps } from './claude-turn.js';
import { PLANNER_ALLOWED, PLANNER_TOOLS } from './planner-turn.js';

export interface SurgeonDeps extends TurnDeps {
  readonly goal: string;
  readonly model: string;
  readonly paths: RunPaths;
  /** Where the raw stream of the run's n-th Surgeon turn is kept; undefined keeps none. */
  readonly rawLogPath: ((n: number, subject: string) => string) | undefined;
  /** The story's branch: its folder shows its work only while checked out there (the pool passes folders on). */
  readonly storyBranch?: ((storyId: string) => string) | undefined;
}

const SURGEON_MAX_TURNS = 30;
// The planner's read-only set, and what shows a failed story's own work.
const SURGEON_ALLOWED = [...PLANNER_ALLOWED, 'Bash(git diff:*)', 'Bash(git status:*)'];

/**
 * A failed story is looked at in its worktree while one is still on its branch (the pool passes finished stories'
 * folders on, so it is found by its branch, not its name); a failed gate, or a story with none, on the integration
 * branch.
 */
async function cwdOf(deps: SurgeonDeps, c: SurgeonCase): Promise<string> {
  const { paths } = deps;
  if (c.kind !== 'story') return paths.integrationWorktree;
  const own = paths.storyWorktree(c.story.id);
  if (deps.storyBranch === undefined) return existsSync(own) ? own : paths.integrationWorktree;
  const branch = deps.storyBranch(c.story.id);
  const names = await readdir(paths.worktreesDir).catch(() => []);
  // Its own folder first: where it is unless the pool gave it another.
  const folders = [own, ...names.filter((n) => !n.startsWith('.')).map((n) => join(paths.worktreesDir, n))];
  for (const folder of folders) {
    const head = await readHead(folder).catch(() => undefined);
    if (head?.branch === branch) return folder;
  }
  return paths.integrationWorktree;
}

export function surgeonTurnLogic(deps: SurgeonDeps) {
  let calls = 0;
  return fromPromise<SurgeonTurnOutput, SurgeonTurnInput>(async ({ input, signal }) => {
    calls += 1;
    const subject = input.case.kind === 'story' ? input.case.story.id : 'gate';
    const output = await claudeTurn(
      deps,
      {
        role: 'surgeon',
        cwd: await cwdOf(deps, input.case),
        prompt:
          input.purpose === 'repair'
            ? repairSurgeonPrompt({ issues: input.issues })
            : surgeonPrompt({ goal: deps.goal, c: input.case, plan: input.plan }),
        model: deps.model,
        resumeSessionId: input.sessionId,
        storyId: input.case.kind === 'story' ? input.case.story.id : undefined,
        jsonSchema: surgeonJsonSchema(),
        tools: PLANNER_TOOLS,
        allowedTools: SURGEON_ALLOWED,
        // Anything not allowed above is denied rather than asked: nobody is there to answer.
        permissionMode: 'dontAsk',
        maxTurns: SURGEON_MAX_TURNS,
        rawLogPath: deps.rawLogPath?.(calls, subject),
      },
      signal,
    );
    return {
      summary: output.summary,
      endedAt: output.endedAt,
      answer: readSurgeonAnswer(output.structuredOutput, output.resultText, input.case, input.plan),
    };
  });
}

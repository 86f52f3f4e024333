// One Surgeon turn: the prompt, a read-only Claude turn where the failure happened, the answer checked.
import { existsSync } from 'node:fs';
import { fromPromise } from 'xstate';
import type { SurgeonTurnInput, SurgeonTurnOutput } from '../machines/surgeon.js';
import type { SurgeonCase } from '../machines/surgery.js';
import type { RunPaths } from '../services/store/paths.js';
import { readSurgeonAnswer } from '../services/surgeon-answer.js';
import { repairSurgeonPrompt, SURGEON_JSON_SCHEMA, surgeonPrompt } from '../services/surgeon-prompt.js';
import { claudeTurn } from './claude-turn.js';
import type { TurnDeps } from './claude-turn.js';
import { PLANNER_ALLOWED, PLANNER_TOOLS } from './planner-turn.js';

export interface SurgeonDeps extends TurnDeps {
  readonly goal: string;
  readonly model: string;
  readonly paths: RunPaths;
  /** Where the raw stream of the run's n-th Surgeon turn is kept; undefined keeps none. */
  readonly rawLogPath: ((n: number, subject: string) => string) | undefined;
}

const SURGEON_MAX_TURNS = 30;
// The planner's read-only set, and what shows a failed story's own work.
const SURGEON_ALLOWED = [...PLANNER_ALLOWED, 'Bash(git diff:*)', 'Bash(git status:*)'];

/** A failed story is looked at in its own worktree, while it is still there; a failed gate on the integration branch. */
function cwdOf(paths: RunPaths, c: SurgeonCase): string {
  const story = c.kind === 'story' ? paths.storyWorktree(c.story.id) : undefined;
  return story !== undefined && existsSync(story) ? story : paths.integrationWorktree;
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
        cwd: cwdOf(deps.paths, input.case),
        prompt:
          input.purpose === 'repair'
            ? repairSurgeonPrompt({ issues: input.issues })
            : surgeonPrompt({ goal: deps.goal, c: input.case, plan: input.plan }),
        model: deps.model,
        resumeSessionId: input.sessionId,
        storyId: input.case.kind === 'story' ? input.case.story.id : undefined,
        jsonSchema: SURGEON_JSON_SCHEMA,
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

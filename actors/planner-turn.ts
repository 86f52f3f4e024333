// One planner turn: the prompt for its purpose, a read-only Claude turn in the repository, the answer checked.
import { fromPromise } from 'xstate';
import type { PlannerTurnInput, PlannerTurnOutput } from '../machines/planner.js';
import { draftPlanPrompt, planJsonSchema, refinePlanPrompt, repairPlanPrompt } from '../services/planner-prompt.js';
import { readPlannerAnswer } from '../services/planner-answer.js';
import { claudeTurn } from './claude-turn.js';
import type { TurnDeps } from './claude-turn.js';

export interface PlannerDeps extends TurnDeps {
  readonly repoDir: string;
  readonly model: string;
  /** Where each turn's raw stream is kept; undefined keeps none. */
  readonly rawLogPath: ((turn: number) => string) | undefined;
}

// Read-only: the built-in tools that read, and the shell commands that only look.
export const PLANNER_TOOLS = ['Read', 'Grep', 'Glob', 'Bash'] as const;
// Shell commands that read; find is left out because it can -delete or -exec.
const READ_ONLY_BASH = ['ls', 'cat', 'head', 'wc', 'grep', 'git log', 'git show', 'git ls-files', 'git grep'];
export const PLANNER_ALLOWED = ['Read', 'Grep', 'Glob', ...READ_ONLY_BASH.map((command) => `Bash(${command}:*)`)];
const PLANNER_MAX_TURNS = 60;

function promptFor(input: PlannerTurnInput): string {
  if (input.purpose === 'repair') return repairPlanPrompt({ issues: input.issues });
  if (input.purpose === 'refine') return refinePlanPrompt({ feedback: input.feedback ?? '' });
  return draftPlanPrompt({ goal: input.goal, repoSummary: input.repoSummary });
}

export function plannerTurnLogic(deps: PlannerDeps) {
  return fromPromise<PlannerTurnOutput, PlannerTurnInput>(async ({ input, signal }) => {
    const output = await claudeTurn(
      deps,
      {
        role: 'planner',
        cwd: deps.repoDir,
        prompt: promptFor(input),
        model: deps.model,
        resumeSessionId: input.sessionId,
        jsonSchema: planJsonSchema(),
        tools: PLANNER_TOOLS,
        allowedTools: PLANNER_ALLOWED,
        // Anything not allowed above is denied rather than asked: nobody is there to answer.
        permissionMode: 'dontAsk',
        maxTurns: PLANNER_MAX_TURNS,
        rawLogPath: deps.rawLogPath?.(input.turn),
      },
      signal,
    );
    return {
      summary: output.summary,
      endedAt: output.endedAt,
      answer: readPlannerAnswer(output.structuredOutput, output.resultText),
    };
  });
}

// One Critic call: the story's diff as its commit kept it, the prompt, a tool-less Claude turn, the verdict read.
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import type { CriticTurnInput, CriticTurnOutput } from '../machines/critic.js';
import { readCriticAnswer } from '../services/critic-answer.js';
import { criticPrompt, verdictJsonSchema } from '../services/critic-prompt.js';
import { readHead } from '../services/git/git-dir.js';
import { changesBetween } from '../services/git/history.js';
import { changesFile, savedChanges } from '../services/story-changes.js';
import type { RunPaths } from '../services/store/paths.js';
import { claudeTurn } from './claude-turn.js';
import type { TurnDeps } from './claude-turn.js';

export interface CriticDeps extends TurnDeps {
  readonly paths: RunPaths;
  readonly model: string;
}

// The answer is one StructuredOutput call; a few more turns leave room for the CLI's own retry of a bad one.
const CRITIC_MAX_TURNS = 4;

export function criticTurnLogic(deps: CriticDeps) {
  return fromPromise<CriticTurnOutput, CriticTurnInput>(async ({ input, signal }) => {
    const cwd = input.worktree ?? deps.paths.storyWorktree(input.storyId);
    // The patch the story's commit kept; asked of git only when that file is about another commit, or gone.
    const head = (await readHead(cwd)).sha;
    const diff =
      (await savedChanges(changesFile(deps.paths.storyDir(input.storyId)), head)) ??
      (await changesBetween({ cwd, base: (await readHead(deps.paths.integrationWorktree)).sha, head }));
    const output = await claudeTurn(
      deps,
      {
        role: 'critic',
        cwd,
        prompt: criticPrompt({ ...input, diff }),
        model: deps.model,
        storyId: input.storyId,
        jsonSchema: verdictJsonSchema(),
        tools: [],
        allowedTools: [],
        permissionMode: 'dontAsk',
        maxTurns: CRITIC_MAX_TURNS,
        rawLogPath: join(deps.paths.storyDir(input.storyId), `critic-${input.attempt}-${input.call}.jsonl`),
      },
      signal,
    );
    return {
      summary: output.summary,
      endedAt: output.endedAt,
      answer: readCriticAnswer(output.structuredOutput, output.resultText),
    };
  });
}

// The composition root of the actor tree: every machine given its effects, bottom-up, in one place.
import { fromPromise } from 'xstate';
import { conductorMachine } from '../machines/conductor.js';
import { operatorMachine } from '../machines/operator.js';
import { plannerMachine } from '../machines/planner.js';
import type { CartographerInput, RepoMap } from '../machines/repo-map.js';
import { runMachine } from '../machines/run.js';
import { storyMachine } from '../machines/story.js';
import { git } from '../services/git/run.js';
import { agentSessionLogic } from './agent-session.js';
import type { AgentDeps } from './agent-session.js';
import { nameBranchLogic } from './branch-name.js';
import { gitOpLogic } from './git-op.js';
import type { GitDeps } from './git-op.js';
import { plannerTurnLogic } from './planner-turn.js';
import type { PlannerDeps } from './planner-turn.js';
import { sleepUntilLogic } from './sleep.js';

export interface RuntimeDeps {
  readonly agent: AgentDeps;
  readonly git: GitDeps;
  readonly planner: PlannerDeps;
  readonly now: () => number;
}

const OUTLINE_FILES = 200;

// Stands in for the Cartographer until it lands: the commit and the tracked files, nothing inferred.
export const cartographerLogic = fromPromise<RepoMap, CartographerInput>(async ({ input }) => {
  const commit = await git(input.repoDir, ['rev-parse', 'HEAD'], 'commit something first');
  const files = (await git(input.repoDir, ['ls-files'], 'check the repository')).split('\n').filter(Boolean);
  const shown = files.slice(0, OUTLINE_FILES).join('\n');
  const more = files.length > OUTLINE_FILES ? `\n… and ${files.length - OUTLINE_FILES} more` : '';
  return {
    commit,
    files: { count: files.length, bytes: 0 },
    languages: [],
    manifests: [],
    commands: {},
    checks: [],
    summary: `Tracked files (${files.length}):\n${shown}${more}\n`,
  };
});

export function providePlanner(deps: PlannerDeps, now: () => number) {
  return plannerMachine.provide({
    actors: { plannerTurn: plannerTurnLogic(deps), sleepUntil: sleepUntilLogic(now) },
  });
}

export function provideRun(deps: RuntimeDeps) {
  const story = storyMachine.provide({
    actors: { agentSession: agentSessionLogic(deps.agent), sleepUntil: sleepUntilLogic(deps.now) },
  });
  const conductor = conductorMachine.provide({ actors: { story } });
  const operator = operatorMachine.provide({ actors: { gitOp: gitOpLogic(deps.git) } });
  const planner = providePlanner(deps.planner, deps.now);
  return runMachine.provide({
    actors: { conductor, operator, planner, cartographer: cartographerLogic, nameBranch: nameBranchLogic },
  });
}

// The composition root of the actor tree: every machine given its effects, bottom-up, in one place.
import { conductorMachine } from '../machines/conductor.js';
import { operatorMachine } from '../machines/operator.js';
import { publisherMachine } from '../machines/publisher.js';
import { runMachine } from '../machines/run.js';
import { storyMachine } from '../machines/story.js';
import { agentSessionLogic } from './agent-session.js';
import type { AgentDeps } from './agent-session.js';
import { gitOpLogic } from './git-op.js';
import type { GitDeps } from './git-op.js';
import { pullRequestLogic } from './pull-request.js';
import type { PullRequestDeps } from './pull-request.js';
import { reportLogic } from './report.js';
import type { ReportDeps } from './report.js';
import { sleepUntilLogic } from './sleep.js';

export interface RuntimeDeps {
  readonly agent: AgentDeps;
  readonly git: GitDeps;
  readonly report: ReportDeps;
  readonly pullRequest: PullRequestDeps;
  readonly now: () => number;
}

export function provideRun(deps: RuntimeDeps) {
  const story = storyMachine.provide({
    actors: { agentSession: agentSessionLogic(deps.agent), sleepUntil: sleepUntilLogic(deps.now) },
  });
  const conductor = conductorMachine.provide({ actors: { story } });
  const operator = operatorMachine.provide({ actors: { gitOp: gitOpLogic(deps.git) } });
  const publisher = publisherMachine.provide({
    actors: { report: reportLogic(deps.report), pullRequest: pullRequestLogic(deps.pullRequest) },
  });
  return runMachine.provide({ actors: { conductor, operator, publisher } });
}

// The composition root of the actor tree: every machine given its effects, bottom-up, in one place.
import { conductorMachine } from '../machines/conductor.js';
import { criticMachine } from '../machines/critic.js';
import { operatorMachine } from '../machines/operator.js';
import { plannerMachine } from '../machines/planner.js';
import { publisherMachine } from '../machines/publisher.js';
import { runMachine } from '../machines/run.js';
import { storyMachine } from '../machines/story.js';
import { surgeonMachine } from '../machines/surgeon.js';
import { agentSessionLogic } from './agent-session.js';
import { provideAuditor } from './auditor.js';
import type { AuditorDeps } from './auditor.js';
import { provideCartographer } from './cartographer.js';
import type { CartographerDeps } from './cartographer.js';
import type { AgentDeps } from './agent-session.js';
import { nameBranchLogic } from './branch-name.js';
import { criticTurnLogic } from './critic-turn.js';
import type { CriticDeps } from './critic-turn.js';
import { gitOpLogic } from './git-op.js';
import type { GitDeps } from './git-op.js';
import { integrationGateLogic } from './integration-gate.js';
import { plannerTurnLogic } from './planner-turn.js';
import type { PlannerDeps } from './planner-turn.js';
import { pullRequestLogic } from './pull-request.js';
import type { PullRequestDeps } from './pull-request.js';
import { reportLogic } from './report.js';
import type { ReportDeps } from './report.js';
import { sleepUntilLogic } from './sleep.js';
import { surgeonTurnLogic } from './surgeon-turn.js';
import type { SurgeonDeps } from './surgeon-turn.js';
import { hasWorktreeSetup, worktreeSetupLogic } from './worktree-setup.js';
import type { WorktreeSetupDeps } from './worktree-setup.js';

export interface RuntimeDeps {
  readonly agent: AgentDeps;
  readonly git: GitDeps;
  readonly setup: WorktreeSetupDeps;
  readonly planner: PlannerDeps;
  readonly surgeon: SurgeonDeps;
  readonly cartographer: CartographerDeps;
  readonly report: ReportDeps;
  readonly pullRequest: PullRequestDeps;
  readonly auditor: AuditorDeps;
  readonly critic: CriticDeps;
  /** The `baro/` branches of the remote the run pushes to, looked up as the run starts; undefined when none is. */
  readonly remoteBranches?: Promise<ReadonlySet<string>> | undefined;
  readonly now: () => number;
}

export function providePlanner(deps: PlannerDeps, now: () => number) {
  return plannerMachine.provide({
    actors: { plannerTurn: plannerTurnLogic(deps), sleepUntil: sleepUntilLogic(now) },
  });
}

export function provideSurgeon(deps: SurgeonDeps, now: () => number) {
  return surgeonMachine.provide({
    actors: { surgeonTurn: surgeonTurnLogic(deps), sleepUntil: sleepUntilLogic(now) },
  });
}

export function provideRun(deps: RuntimeDeps) {
  const auditor = provideAuditor(deps.auditor);
  const critic = criticMachine.provide({
    actors: { criticTurn: criticTurnLogic(deps.critic), sleepUntil: sleepUntilLogic(deps.now) },
  });
  const story = storyMachine.provide({
    actors: {
      agentSession: agentSessionLogic(deps.agent),
      sleepUntil: sleepUntilLogic(deps.now),
      worktreeSetup: worktreeSetupLogic(deps.setup),
      auditor,
      critic,
    },
    guards: { worktreeSetupConfigured: () => hasWorktreeSetup(deps.setup.settings) },
  });
  const conductor = conductorMachine.provide({
    actors: {
      story,
      surgeon: provideSurgeon(deps.surgeon, deps.now),
      integrationGate: integrationGateLogic(auditor),
      sleepUntil: sleepUntilLogic(deps.now),
    },
  });
  const operator = operatorMachine.provide({ actors: { gitOp: gitOpLogic(deps.git) } });
  const planner = providePlanner(deps.planner, deps.now);
  const publisher = publisherMachine.provide({
    actors: { report: reportLogic(deps.report), pullRequest: pullRequestLogic(deps.pullRequest), auditor },
  });
  return runMachine.provide({
    actors: {
      conductor,
      operator,
      planner,
      publisher,
      auditor,
      cartographer: provideCartographer(deps.cartographer),
      nameBranch: nameBranchLogic(deps.git.baseSha, deps.remoteBranches),
    },
  });
}

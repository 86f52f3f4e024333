// `baro resume [RUN_ID]`: restore an interrupted or stopped run's actor tree from its snapshot, stop the agents left
// from before, and drive it on to the end.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import packageJson from '../../package.json' with { type: 'json' };
import { computeLevels } from '../../machines/dag.js';
import { stopOrphans } from '../../services/claude/orphans.js';
import { remoteUrl, repoRoot } from '../../services/git/repo.js';
import { loadPlan } from '../../services/plan.js';
import type { Plan } from '../../services/plan.js';
import { StoreError } from '../../services/store/errors.js';
import { findRunAnywhere } from '../../services/store/find-run.js';
import { baroHome, runPaths } from '../../services/store/paths.js';
import { listRunStates, resumable, stateOf } from '../../services/store/run-state.js';
import type { ListedRun } from '../../services/store/run-state.js';
import type { RunRecord } from '../../services/store/runs.js';
import { loadSnapshot, recordedAgentPids } from '../../services/store/snapshot.js';
import { UsageError } from '../errors.js';
import { parseRunOptions } from '../options.js';
import { loadRunParticipants } from '../participants.js';
import { configureRun } from '../run-config.js';
import { driveRun } from '../run-drive.js';
import type { RunIo } from '../run-drive.js';
import { processIo } from '../run-io.js';
import { gitRepoRoot, storyBranchOf } from './run-prepare.js';
import type { PreparedRun } from './run-prepare.js';

export interface ResumeFlags {
  readonly json: boolean;
  readonly inspect?: boolean | undefined;
}

async function repoOfCwd(cwd: string): Promise<string | undefined> {
  return repoRoot(cwd).catch(() => undefined);
}

/** The run to resume: the one named (in this repository, or anywhere under the home to explain), else the newest. */
async function pickRun(home: string, cwd: string, runId: string | undefined): Promise<ListedRun> {
  if (runId === undefined) {
    const repoDir = await gitRepoRoot(cwd);
    const runs = await listRunStates(home, repoDir);
    const newest = runs.find((listed) => resumable(listed.state));
    const running = runs.find((listed) => listed.state === 'running');
    if (newest === undefined && running !== undefined) refuseUnresumable(running);
    if (newest === undefined)
      throw new UsageError(
        `No interrupted or stopped run of ${repoDir} to resume. \`baro runs\` lists this repository's runs.`,
      );
    return newest;
  }
  runPaths({ home, repoRoot: cwd, runId });
  const record = await findRunAnywhere(home, runId);
  if (record === undefined)
    throw new UsageError(`No run ${runId} under ${home}. \`baro runs\` lists this repository's runs.`, {
      value: runId,
    });
  const here = await repoOfCwd(cwd);
  if (here !== undefined && here !== record.repoRoot && existsSync(record.repoRoot))
    throw new UsageError(
      `Run ${runId} belongs to the repository ${record.repoRoot}, not ${here}: run \`baro resume ${runId}\` there.`,
    );
  return stateOf(home, record);
}

function refuseUnresumable(listed: ListedRun): void {
  const { record, state } = listed;
  if (state === 'running')
    throw new UsageError(
      `Run ${record.runId} is running in process ${listed.pid ?? '?'}; only one process drives a run. \`baro stop ${record.runId}\` stops it.`,
    );
  if (!resumable(state))
    throw new UsageError(
      `Run ${record.runId} already finished (${state}${record.finishedAt ? ` at ${record.finishedAt}` : ''}): there is nothing to resume. Start a new run with \`baro run\`.`,
    );
}

/** The repository must still be where the run left it: its worktrees are registered there by path. */
async function refuseMovedRepo(record: RunRecord): Promise<void> {
  const root = existsSync(record.repoRoot) ? await repoOfCwd(record.repoRoot) : undefined;
  if (root === record.repoRoot) return;
  throw new UsageError(
    `Run ${record.runId} worked on the repository ${record.repoRoot}, which is no longer there. baro's worktrees are tied to that path: move the repository back to ${record.repoRoot} and run \`baro resume ${record.runId}\` again, or start over with \`baro run\`.`,
  );
}

async function planOf(path: string, record: RunRecord): Promise<Plan | undefined> {
  if (existsSync(path)) return loadPlan(path);
  return record.plan === undefined ? undefined : (record.plan as Plan);
}

export async function resumeCommand(
  runId: string | undefined,
  flags: ResumeFlags,
  io: RunIo = processIo(),
): Promise<number> {
  const err = io.err ?? process.stderr;
  const home = baroHome(io.env, homedir());
  const listed = await pickRun(home, io.cwd, runId);
  refuseUnresumable(listed);
  const { record } = listed;
  await refuseMovedRepo(record);
  const paths = runPaths({ home, repoRoot: record.repoRoot, runId: record.runId });
  const restored = await loadSnapshot(paths, packageJson.version).catch((error: unknown) => {
    if (error instanceof StoreError) throw new UsageError(error.message, { cause: error });
    throw error;
  });
  const o = record.options;
  const parsed = parseRunOptions({
    parallel: o.parallel,
    push: o.push,
    pr: o.pr,
    draft: o.draft ?? false,
    keepBranches: o.keepBranches ?? false,
    yes: true,
    json: flags.json,
    inspect: flags.inspect === true,
    modelPlanner: o.models.planner,
    modelStory: o.models.story,
    modelCritic: o.models.critic,
    modelSurgeon: o.models.surgeon,
    ...(o.base === undefined ? {} : { base: o.base }),
    ...(o.config === undefined ? {} : { config: o.config }),
  });
  const warn = (line: string) => err.write(`${line}\n`);
  const { options, settings } = await configureRun({ options: parsed, cwd: record.repoRoot, warn });
  const participants = await loadRunParticipants(settings.participants, record.repoRoot, settings.file);
  const plan = await planOf(paths.planJson, record);
  const run: PreparedRun = {
    repoDir: record.repoRoot,
    plan,
    levels: plan === undefined ? [] : computeLevels(plan.stories),
    remote: o.push && (await remoteUrl(record.repoRoot)) !== undefined ? 'origin' : undefined,
    home,
    paths,
    record,
    storyBranch: storyBranchOf(record.runId),
  };
  const whenLocked = async () => {
    const stopped = await stopOrphans({ runId: record.runId, recorded: recordedAgentPids(restored.snapshot) });
    if (stopped.length > 0)
      warn(`baro: stopped ${stopped.length} agent process(es) left running from before (${stopped.join(', ')}).`);
  };
  return driveRun({
    run,
    options,
    settings,
    participants,
    io,
    startedAt: new Date(record.startedAt),
    restored,
    whenLocked,
  });
}

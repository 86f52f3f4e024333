// Drives a prepared run's actor tree, fresh or restored from its snapshot: reports each event, keeps snapshot.json
// current, stops gracefully when asked, and maps the end to an exit code.
import type { Readable, Writable } from 'node:stream';
import { createActor } from 'xstate';
import type { ActorRefFrom, ActorRefLike, AnyActorRef, Snapshot } from 'xstate';
import packageJson from '../package.json' with { type: 'json' };
import { startHerald } from '../actors/herald.js';
import { provideRun } from '../actors/runtime.js';
import { participantId } from '../machines/herald-events.js';
import type { DomainEvent } from '../machines/herald-events.js';
import type { librarianMachine } from '../machines/librarian.js';
import { conductorProgress, RUN_SYSTEM_ID } from '../machines/run.js';
import type { RunInput, RunOutput } from '../machines/run.js';
import type { Proposal } from '../machines/types.js';
import type { RunSettings } from '../services/config/settings.js';
import { startSpawnHelper } from '../services/process/spawn-helper.js';
import { writeJsonAtomic } from '../services/store/files.js';
import { acquireLock } from '../services/store/lock.js';
import { saveRun } from '../services/store/runs.js';
import type { RunRecord } from '../services/store/runs.js';
import type { SnapshotEnvelope } from '../services/store/snapshot.js';
import { startAutosave } from './autosave.js';
import { ExitCode } from './errors.js';
import type { RunOptions } from './options.js';
import { plannerError, PLANNING_LIMITS } from './planning.js';
import { vetoTimeoutMs } from './participants.js';
import type { LoadedParticipant } from '../services/participants/load.js';
import { startWatch } from './watch.js';
import type { RunReportEvent } from './run-events.js';
import { prSkipReason, publishSummary } from './run-publish.js';
import { finalStatus, gateSummary, storySummaries } from './run-summary.js';
import { reviewPlan } from './review.js';
import type { Reviewer } from './review.js';
import type { PreparedRun } from './commands/run-prepare.js';
import { runtimeDeps } from './commands/run-deps.js';
import type { RepositoryFacts } from './commands/run-deps.js';

const LIMITS = { transientRetries: 3, conflictRounds: 3 } as const;

/** Where a run reads and writes; the process by default, a sink and a folder in benchmarks. */
export interface RunIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: Writable;
  /** Where warnings, the resume hint and the inspector's address go; stderr by default. */
  readonly err?: Writable | undefined;
  /** Whether `out` is a terminal: the TUI then shows the run (unless --json). */
  readonly tty?: boolean | undefined;
  /** The keyboard, when stdin is a terminal: the TUI reads its keys and, when it shows the run, the plan review. */
  readonly keyboard?: Readable | undefined;
  /** A terminal to review the plan on in plain text, when no TUI shows the run. */
  readonly terminal?: { readonly input: Readable; readonly output: Writable } | undefined;
  /** Resolves when the person (or `baro stop`) asks the run to stop. */
  readonly stopRequested: Promise<void>;
  /** Changes the actor tree before it starts (tests: a service that crashes); the tree as composed otherwise. */
  readonly adaptTree?: ((tree: RunTree) => RunTree) | undefined;
}

export type RunTree = ReturnType<typeof provideRun>;

/** Every live machine actor of the tree, the root first: callbacks and promises know no RESUME. */
function actorsOf(root: AnyActorRef): AnyActorRef[] {
  const children = Object.values((root.getSnapshot() as { children?: Record<string, AnyActorRef> }).children ?? {});
  const logic = (root as { logic?: object }).logic;
  const machine = logic !== undefined && 'root' in logic;
  return [...(machine ? [root] : []), ...children.flatMap((child) => (child ? actorsOf(child) : []))];
}

export async function driveRun(input: {
  readonly run: PreparedRun;
  readonly options: RunOptions;
  readonly settings: RunSettings;
  /** The config's participants, loaded: the Herald tells them the run's events. */
  readonly participants: readonly LoadedParticipant[];
  readonly io: RunIo;
  /** When the run first started: timing counts from it, across a resume. */
  readonly startedAt: Date;
  /** The tree to restore (`baro resume`); a fresh tree when undefined. */
  readonly restored?: SnapshotEnvelope | undefined;
  /** The repository's facts, asked as the run was prepared; asked as the tree starts when absent. */
  readonly facts?: RepositoryFacts | undefined;
  /** Runs once this process holds the run's lock, before the tree starts (resume: the old agents stopped). */
  readonly whenLocked?: (() => Promise<void>) | undefined;
}): Promise<number> {
  const { run, options, settings, io, startedAt, restored } = input;
  const { paths, remote } = run;
  const err = io.err ?? process.stderr;
  const release = await acquireLock(paths.runDir, paths.runId);
  try {
    await input.whenLocked?.();
    return await drive();
  } finally {
    await release();
  }

  async function drive(): Promise<number> {
    // Planned by an earlier process when the run is resumed.
    let planMs = run.record.planMs ?? 0;
    // Looked up while the watchers start (git, the disk): the first agent waits for them. A failure is reported where
    // they are awaited; if the watchers fail first, nobody awaits them.
    const deps = runtimeDeps({
      run,
      record: run.record,
      options,
      settings,
      env: io.env,
      startedAt,
      planMs: () => planMs,
      facts: input.facts,
    });
    deps.catch(() => undefined);
    let record: RunRecord = { ...run.record, status: 'running', finishedAt: undefined };
    // Saves are chained so run.json is written in event order.
    let saved = saveRun(paths, record);
    const save = (update: Partial<typeof record>) => {
      record = { ...record, ...update };
      const snapshot = record;
      saved = saved.then(() => saveRun(paths, snapshot));
    };

    const reporter = await startWatch({
      json: options.json,
      inspect: options.inspect,
      runId: record.runId,
      runDir: paths.runDir,
      journal: paths.eventsJsonl,
      out: io.out,
      err,
      tty: io.tty ?? false,
      keyboard: io.keyboard,
    });
    // The TUI reviews the plan in its screen when it shows the run; the plain review on the terminal otherwise.
    const { terminal } = io;
    const review: Reviewer | undefined =
      reporter.review ?? (terminal && ((proposal, o) => reviewPlan(proposal, terminal, o)));

    const machine = provideRun(await deps);
    // The journal keeps the run's record too: its plan and branch as they are reported.
    const keep = (event: RunReportEvent) => {
      reporter.journal(event);
      if (event.type === 'plan.ready') {
        planMs = Date.now() - startedAt.getTime();
        saved = saved.then(() => writeJsonAtomic(paths.planJson, event.plan));
        save({ plan: event.plan, planMs });
      }
      if (event.type === 'branch.created') save({ branch: event.branch });
      // The git helper starts with the agents (again, if it died): until then baro is small and starts a few git
      // processes, each fork cheap. Its own start waits for the next turn of the event loop, by which the story has
      // spawned its agent: a fork of baro ahead of the agent's would only delay it.
      if (event.type === 'story.started') setTimeout(() => void startSpawnHelper(), 0);
    };
    // The journal, the reporter and the TUI: the Herald's first subscribers, and until it starts (nothing is emitted
    // before the tree starts) sent each event straight.
    const asReported = (watch: (event: RunReportEvent) => void) => (event: DomainEvent) =>
      watch(event as RunReportEvent);
    const watchers = {
      journal: asReported(keep),
      reporter: asReported(reporter.report),
      tui: asReported(reporter.tui),
    };
    let announce = (event: RunReportEvent) => {
      for (const watch of Object.values(watchers)) watch(event);
    };
    // Every actor's emitted domain events, children included, reach the Herald from the moment the actor exists (the
    // Herald's own too, so they are stamped like the rest); a participant's own actor is heard only through its requests.
    const listen = (ref: ActorRefLike) => {
      const actorRef = ref as AnyActorRef;
      if (!actorRef.id.startsWith(participantId(''))) actorRef.on('*', (event) => announce(event as RunReportEvent));
    };
    const given: Proposal | undefined = run.plan === undefined ? undefined : { plan: run.plan, levels: run.levels };
    const runInput: RunInput = {
      runId: record.runId,
      goal: record.goal,
      repoDir: run.repoDir,
      plan: given,
      autoApprove: options.yes,
      parallel: options.parallel,
      limits: {
        ...LIMITS,
        reviewRounds: settings.review.maxRounds,
        liveMessages: settings.live.maxMessages,
        vetoTimeoutMs: vetoTimeoutMs(input.participants),
        quotaMarginMs: settings.quota.marginSeconds * 1000,
        pauseAtUtilization: settings.quota.pauseAtUtilization,
      },
      replanBudget: settings.replan.budget,
      planning: { ...PLANNING_LIMITS, quotaMarginMs: settings.quota.marginSeconds * 1000 },
      publish: { remote, skipPr: prSkipReason(options, remote), keepBranches: options.keepBranches },
      librarian: {},
    };
    const tree = io.adaptTree?.(machine) ?? machine;
    const actor = createActor(tree, {
      systemId: RUN_SYSTEM_ID,
      input: (restored?.input as RunInput | undefined) ?? runInput,
      ...(restored ? { snapshot: restored.snapshot as Snapshot<unknown> } : {}),
      inspect: (event) => {
        if (event.type === '@xstate.actor') listen(event.actorRef);
        reporter.inspect(event);
      },
    });
    const autosave = startAutosave({
      root: actor,
      paths,
      runInput: restored?.input ?? runInput,
      baroVersion: packageJson.version,
      onError: (error) =>
        err.write(`baro: could not save the run's state: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const finished = new Promise<RunOutput>((resolveDone, rejectDone) => {
      let reviewed: Proposal | undefined;
      actor.subscribe({
        next: (snapshot) => {
          if (snapshot.status === 'done') resolveDone(snapshot.output);
          const proposal = snapshot.context.proposal;
          if (!snapshot.matches('reviewing') || review === undefined || proposal === reviewed) return;
          if (proposal === undefined) return;
          reviewed = proposal;
          const canRefine = snapshot.context.plannerSession !== undefined;
          review(proposal, { canRefine }).then((answer) => actor.send(answer), rejectDone);
        },
        error: rejectDone,
      });
    });
    // The Herald fans the run's events out to the watchers, then to the participants.
    const herald = startHerald({ run: actor, participants: input.participants, watchers });
    // Stamped once here, so the journal, --json and every participant see the same time.
    announce = (event) => herald.publish({ ...event, ts: new Date().toISOString() });
    announce({
      type: 'run.started',
      runId: record.runId,
      goal: record.goal,
      branch: record.branch ?? null,
      base: record.base.branch,
      parallel: options.parallel,
      runDir: paths.runDir,
      repo: run.repoDir,
      ...(restored ? { resumed: true as const } : {}),
    });
    // The inspector is announced as soon as the run has one, right after the run itself.
    if (reporter.inspectorUrl !== undefined) announce({ type: 'inspect.listening', url: reporter.inspectorUrl });
    actor.start();
    // Waiting states send their requests again: what was in flight between actors at the crash is lost.
    if (restored) for (const ref of actorsOf(actor)) ref.send({ type: 'RESUME' });
    await autosave.flush();
    const end = await Promise.race([finished, io.stopRequested.then(() => undefined)]).catch(async (error: unknown) => {
      herald.stop();
      // The TUI gives the terminal back first, so the error is read on it.
      await autosave.stop();
      await reporter.close('failed');
      throw error;
    });
    // The tree as it stood when stopped is what `baro resume` restores: saved before the agents are stopped.
    await autosave.flush();
    await autosave.stop();
    const librarian = actor.system.get('librarian') as ActorRefFrom<typeof librarianMachine> | undefined;
    // A stopped run reports what the Conductor had reached, read before the tree goes.
    const outcome = end === undefined ? conductorProgress(actor.system) : end.outcome;
    // Stopping the tree stops every agent process; their worktrees stay for `baro resume`.
    if (end === undefined) actor.stop();
    if (librarian) await writeJsonAtomic(paths.libraryJson, librarian.getSnapshot().context.knowledge);

    // The plan as it ended: stories a replan added or replaced included.
    const planned = outcome?.stories ?? end?.proposal?.plan.stories ?? run.plan?.stories ?? [];
    const stories = storySummaries(planned, outcome);
    const status = end?.ending === 'stopped' ? 'stopped' : finalStatus(end, stories);
    const branch = end?.branch ?? record.branch ?? null;
    const report = end?.published?.report;
    const { prUrl, publish } = publishSummary(end?.published);
    // The report first, so the run's one-line outcome and any error are the last lines a person reads.
    if (report !== undefined && !options.json) reporter.printReport(`# ${report.title}\n\n${report.body}\n`);
    announce({
      type: 'run.completed',
      runId: record.runId,
      status,
      branch,
      prUrl,
      pushed: publish.pushed,
      publish,
      stories,
      // The report's own figures, so the PR, report.md and this event agree.
      timing: report?.timing ?? {
        wallMs: Date.now() - startedAt.getTime(),
        planMs,
        agentMsTotal: stories.reduce((sum, s) => sum + s.agentMs, 0),
      },
      report: report?.path,
      finalGate: gateSummary(end),
      error: end?.error ?? publish.error,
    });
    const titles = new Map(planned.map((s) => [s.id, s.title]));
    save({
      status,
      finishedAt: new Date().toISOString(),
      ...(prUrl === null ? {} : { prUrl }),
      stories: stories.map((s) => ({
        id: s.id,
        title: titles.get(s.id) ?? s.id,
        status: s.status,
        attempts: s.attempts,
        agentMs: s.agentMs,
        costUsd: s.costUsd,
      })),
    });
    await saved;
    await herald.close();
    await reporter.close(status);
    // A run stopped before it executed anything (quit at the review) has nothing to resume.
    if (end === undefined)
      err.write(`baro: run ${record.runId} stopped; \`baro resume ${record.runId}\` continues it.\n`);
    if (end !== undefined && end.planIssues.length > 0) throw plannerError(end.planIssues);
    if (status === 'stopped') return ExitCode.stopped;
    return status === 'succeeded' && publish.error === undefined ? ExitCode.succeeded : ExitCode.failed;
  }
}

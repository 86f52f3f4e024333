// `baro run`: prepare a new run (repository, plan, base, run folder), then drive its actor tree to the end.
import { UsageError } from '../errors.js';
import type { RunOptions } from '../options.js';
import { loadRunParticipants } from '../participants.js';
import { configureRun } from '../run-config.js';
import { driveRun } from '../run-drive.js';
import type { RunIo } from '../run-drive.js';
import { processIo } from '../run-io.js';
import { repositoryFacts } from './run-deps.js';
import { prepareRun } from './run-prepare.js';

export type { RunIo } from '../run-drive.js';
export { processIo } from '../run-io.js';

/** Without a terminal nobody can answer the review: refused before anything is created. */
function refuseUnreviewable(options: RunOptions, io: RunIo): void {
  const tuiReviews = io.tty === true && !options.json && io.keyboard !== undefined;
  if (options.yes || tuiReviews || io.terminal !== undefined) return;
  throw new UsageError(
    'baro shows the plan for approval on a terminal, and this is not one (stdin or stderr is not a TTY): add --yes to approve the plan without asking.',
    { option: '--yes' },
  );
}

export async function runCommand(
  goal: string | undefined,
  flags: RunOptions,
  io: RunIo = processIo(),
  /** The repository around io.cwd, asked of git while this code loaded. */
  repoDirAsked?: Promise<string | undefined>,
): Promise<number> {
  const startedAt = new Date();
  const warn = (line: string) => (io.err ?? process.stderr).write(`${line}\n`);
  const { options, settings, repoDir } = await configureRun({ options: flags, cwd: io.cwd, repoDirAsked, warn });
  refuseUnreviewable(options, io);
  const facts = repoDir === undefined ? undefined : repositoryFacts(repoDir);
  const participants = await loadRunParticipants(settings.participants, repoDir, settings.file);
  const run = await prepareRun({ goal, options, cwd: io.cwd, env: io.env, startedAt, repoDir, warn });
  return driveRun({ run, options, settings, participants, io, startedAt, facts });
}

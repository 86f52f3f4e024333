// `baro stop [RUN_ID]`: asks the process driving a run to stop it gracefully (as Ctrl-C does), and waits until it has.
import { homedir } from 'node:os';
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { processAlive } from '../../services/process-alive.js';
import { findRunAnywhere } from '../../services/store/find-run.js';
import { baroHome, runPaths } from '../../services/store/paths.js';
import { listRunStates, stateOf } from '../../services/store/run-state.js';
import type { ListedRun } from '../../services/store/run-state.js';
import { ExitCode, UsageError } from '../errors.js';
import { gitRepoRoot } from './run-prepare.js';

const POLL_MS = 200;
// Stopping saves the state and stops every agent; a process that takes longer than this is told again, harder.
const PATIENCE_MS = 60_000;

export interface StopIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: Writable;
}

async function pickRunning(home: string, cwd: string, runId: string | undefined): Promise<ListedRun> {
  if (runId !== undefined) {
    runPaths({ home, repoRoot: cwd, runId });
    const record = await findRunAnywhere(home, runId);
    if (record === undefined) throw new UsageError(`No run ${runId} under ${home}. \`baro runs\` lists the runs.`);
    return stateOf(home, record);
  }
  const running = (await listRunStates(home, await gitRepoRoot(cwd))).filter((listed) => listed.state === 'running');
  const [only, ...more] = running;
  if (only === undefined) throw new UsageError('No run of this repository is running. `baro runs` lists its runs.');
  if (more.length > 0)
    throw new UsageError(
      `${running.length} runs of this repository are running (${running.map((r) => r.record.runId).join(', ')}): name the one to stop, \`baro stop RUN_ID\`.`,
    );
  return only;
}

export async function stopCommand(
  runId: string | undefined,
  io: StopIo = { cwd: process.cwd(), env: process.env, out: process.stdout },
): Promise<number> {
  const listed = await pickRunning(baroHome(io.env, homedir()), io.cwd, runId);
  const id = listed.record.runId;
  if (listed.state !== 'running' || listed.pid === undefined) {
    const next =
      listed.state === 'interrupted' || listed.state === 'stopped' ? ` \`baro resume ${id}\` continues it.` : '';
    throw new UsageError(`Run ${id} is not running (${listed.state}).${next}`);
  }
  const pid = listed.pid;
  process.kill(pid, 'SIGTERM');
  io.out.write(`Stopping run ${id} (process ${pid})…\n`);
  const deadline = Date.now() + PATIENCE_MS;
  while (processAlive(pid) && Date.now() < deadline) await delay(POLL_MS);
  if (processAlive(pid)) {
    io.out.write(`Process ${pid} did not stop within ${PATIENCE_MS / 1000} s; stopping it at once.\n`);
    process.kill(pid, 'SIGKILL');
  }
  io.out.write(`Run ${id} stopped; \`baro resume ${id}\` continues it.\n`);
  return ExitCode.succeeded;
}

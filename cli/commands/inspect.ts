// `baro inspect RUN_ID`: the inspector page replaying a finished or interrupted run from its recorded inspection events.
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { baroHome } from '../../services/store/paths.js';
import { ExitCode, UsageError } from '../errors.js';
import { inspectJournalPath, readInspectJournal } from '../inspect/journal.js';
import { startInspectorServer } from '../inspect/server.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The run folder of `runId` in any repository's folder under the baro home. */
async function findRunDir(home: string, runId: string): Promise<string | undefined> {
  const repos = await readdir(home).catch(() => []);
  for (const repo of repos) {
    const runDir = join(home, repo, 'runs', runId);
    if (await exists(runDir)) return runDir;
  }
  return undefined;
}

export async function inspectCommand(
  runId: string,
  io: { readonly stopRequested: Promise<void> } = {
    stopRequested: new Promise((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    }),
  },
): Promise<number> {
  if (!RUN_ID.test(runId)) throw new UsageError(`Invalid run id ${JSON.stringify(runId)}.`, { value: runId });
  const home = baroHome(process.env, homedir());
  const runDir = await findRunDir(home, runId);
  if (runDir === undefined) {
    throw new UsageError(
      `No run ${runId} under ${home}: give the id \`baro run\` printed (run.started), and the same BARO_HOME.`,
      { value: runId },
    );
  }
  if (!(await exists(inspectJournalPath(runDir)))) {
    throw new UsageError(
      `Run ${runId} has no inspection record (${inspectJournalPath(runDir)}): it predates baro's recorder.`,
      {
        value: runId,
      },
    );
  }
  const records = await readInspectJournal(runDir);
  const server = await startInspectorServer({ title: `baro run ${runId} (replay)`, mode: 'replay', records });
  process.stderr.write(
    `Inspector: ${server.url}\nReplaying ${records.length} recorded events of run ${runId}; Ctrl-C to stop.\n`,
  );
  await io.stopRequested;
  await server.close();
  return ExitCode.succeeded;
}

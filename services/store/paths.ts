// Where a run's state lives under the baro home: one folder per repository, then runs/ and worktrees/ per run.
import { createHash, randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { StoreError } from './errors.js';

/** The state root: `BARO_HOME` when set, else `<homedir>/.baro`. */
export const baroHome = (env: Readonly<Record<string, string | undefined>>, homedir: string): string => {
  const configured = env.BARO_HOME;
  return configured !== undefined && configured !== '' ? configured : join(homedir, '.baro');
};

/** `<home>/<repo name>-<8 hex>`: readable, and distinct for two checkouts with the same name. */
export const repoFolder = ({ home, repoRoot }: { readonly home: string; readonly repoRoot: string }): string => {
  const hash = createHash('sha256').update(repoRoot).digest('hex').slice(0, 8);
  const name = basename(repoRoot) || 'repo';
  return join(home, `${name}-${hash}`);
};

const pad = (value: number): string => String(value).padStart(2, '0');

/** A run id that sorts by start time (UTC): `20261129-062406-3fa2`. */
export const newRunId = (now: Date = new Date()): string => {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
};

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// Ids come from plans and the command line; one containing `/` or `..` must not escape the run folder.
const segment = (kind: 'run id' | 'story id', value: string, parent: string): string => {
  if (SAFE_SEGMENT.test(value)) return value;
  throw new StoreError(
    `Invalid ${kind} ${JSON.stringify(value)} for a folder under ${parent}: use letters, digits, '.', '_' and '-', starting with a letter or digit.`,
    { path: join(parent, value), reason: 'bad-name' },
  );
};

const INTEGRATION = 'integration';

// Story worktrees sit next to the integration worktree, so a story cannot take its name.
const storyWorktreeName = (storyId: string, worktreesDir: string): string => {
  if (storyId !== INTEGRATION) return segment('story id', storyId, worktreesDir);
  throw new StoreError(
    `Invalid story id "${INTEGRATION}": baro uses ${join(worktreesDir, INTEGRATION)} for the integration worktree. Rename the story in the plan.`,
    { path: join(worktreesDir, INTEGRATION), reason: 'bad-name' },
  );
};

export interface RunPaths {
  readonly runId: string;
  readonly runDir: string;
  readonly runJson: string;
  /** The approved plan (or the last one proposed), as a plan file `baro run --plan` accepts. */
  readonly planJson: string;
  /** Raw stream of one planner turn: `planner/turn-<n>.jsonl`. */
  readonly plannerLog: (turn: number) => string;
  readonly snapshotJson: string;
  readonly eventsJsonl: string;
  readonly libraryJson: string;
  readonly reportMd: string;
  /** Files passed to agents with `--append-system-prompt-file`. */
  readonly rulesDir: string;
  readonly storyDir: (storyId: string) => string;
  /** Raw stream of one agent process: `stories/<id>/attempt-<n>.jsonl`. */
  readonly attemptLog: (storyId: string, attempt: number) => string;
  readonly worktreesDir: string;
  readonly integrationWorktree: string;
  readonly storyWorktree: (storyId: string) => string;
}

/** Every path of one run; nothing is created on disk. */
export const runPaths = ({
  home,
  repoRoot,
  runId,
}: {
  readonly home: string;
  readonly repoRoot: string;
  readonly runId: string;
}): RunPaths => {
  const repoDir = repoFolder({ home, repoRoot });
  const runsDir = join(repoDir, 'runs');
  const runDir = join(runsDir, segment('run id', runId, runsDir));
  const worktreesDir = join(repoDir, 'worktrees', runId);
  const storiesDir = join(runDir, 'stories');
  const storyDir = (storyId: string): string => join(storiesDir, segment('story id', storyId, storiesDir));
  return {
    runId,
    runDir,
    runJson: join(runDir, 'run.json'),
    planJson: join(runDir, 'plan.json'),
    plannerLog: (turn) => join(runDir, 'planner', `turn-${turn}.jsonl`),
    snapshotJson: join(runDir, 'snapshot.json'),
    eventsJsonl: join(runDir, 'events.jsonl'),
    libraryJson: join(runDir, 'library.json'),
    reportMd: join(runDir, 'report.md'),
    rulesDir: join(runDir, 'rules'),
    storyDir,
    attemptLog: (storyId, attempt) => join(storyDir(storyId), `attempt-${attempt}.jsonl`),
    worktreesDir,
    integrationWorktree: join(worktreesDir, INTEGRATION),
    storyWorktree: (storyId) => join(worktreesDir, storyWorktreeName(storyId, worktreesDir)),
  };
};

// @ts-check
// On-disk state shared by fake processes: the session registry and the invocation log (one JSON record a line).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** @param {NodeJS.ProcessEnv} env */
export function stateDir(env) {
  const explicit = env['BARO_FAKE_CLAUDE_STATE'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const log = env['BARO_FAKE_CLAUDE_LOG'];
  return log !== undefined && log !== ''
    ? join(dirname(log), 'fake-claude-state')
    : join(tmpdir(), 'fake-claude-state');
}

/** @param {unknown} error @param {string} code */
function hasCode(error, code) {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** @param {string} dir @param {string} id */
function sessionFile(dir, id) {
  return join(dir, 'sessions', `${encodeURIComponent(id)}.json`);
}

/**
 * Records a new session; false when the id is already taken (the file is created exclusively, so two
 * processes cannot both claim one id).
 * @param {string} dir @param {string} id @param {string} cwd
 */
export function createSession(dir, id, cwd) {
  mkdirSync(join(dir, 'sessions'), { recursive: true });
  try {
    writeFileSync(sessionFile(dir, id), `${JSON.stringify({ cwd, createdAt: Date.now() })}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if (hasCode(error, 'EEXIST')) return false;
    throw error;
  }
}

/** The cwd a session was created in, or undefined for an unknown id. @param {string} dir @param {string} id */
export function sessionCwd(dir, id) {
  let text;
  try {
    text = readFileSync(sessionFile(dir, id), 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  const record = /** @type {unknown} */ (JSON.parse(text));
  if (typeof record === 'object' && record !== null && 'cwd' in record && typeof record.cwd === 'string')
    return record.cwd;
  throw new Error(`fake-claude: session record ${sessionFile(dir, id)} has no cwd; delete it or the state directory`);
}

/**
 * Appends one record with a single write, so records of concurrent processes never interleave within a line.
 * @param {string | undefined} logPath
 * @param {Record<string, unknown>} record
 */
export function appendLog(logPath, record) {
  if (logPath === undefined) return;
  mkdirSync(dirname(logPath), { recursive: true });
  appendFileSync(logPath, `${JSON.stringify(record)}\n`);
}

/**
 * How many start records of the log (this invocation's included) pass `test`.
 * @param {string} logPath
 * @param {(record: { env?: { BARO_STORY_ID?: unknown, BARO_ROLE?: unknown }, sessionId?: unknown }) => boolean} test
 */
function countStarts(logPath, test) {
  let text;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return 0;
    throw error;
  }
  let count = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record =
      /** @type {{ event?: unknown, env?: { BARO_STORY_ID?: unknown, BARO_ROLE?: unknown }, sessionId?: unknown }} */ (
        JSON.parse(line)
      );
    if (record.event === 'start' && test(record)) count += 1;
  }
  return count;
}

/**
 * How many invocations in the log (this one included) ran with this BARO_STORY_ID (undefined: none set), the
 * Critic's reviews of the story left out: they are not the story's attempts.
 * @param {string} logPath
 * @param {string | undefined} storyId
 */
export function countStoryInvocations(logPath, storyId) {
  return countStarts(logPath, (record) => record.env?.BARO_STORY_ID === storyId && record.env?.BARO_ROLE !== 'critic');
}

/**
 * How many invocations in the log (this one included) ran with this BARO_STORY_ID and this BARO_ROLE.
 * @param {string} logPath
 * @param {string | undefined} storyId
 * @param {string | undefined} role
 */
export function countRoleInvocations(logPath, storyId, role) {
  return countStarts(logPath, (record) => record.env?.BARO_STORY_ID === storyId && record.env?.BARO_ROLE === role);
}

/**
 * How many invocations in the log (this one included) ran in this session: its first turn and every `--resume`.
 * @param {string} logPath
 * @param {string} sessionId
 */
export function countSessionInvocations(logPath, sessionId) {
  return countStarts(logPath, (record) => record.sessionId === sessionId);
}

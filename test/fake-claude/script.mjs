// @ts-check
// Reads the scenario file, checks its shape, and picks the script for one invocation (first match wins).
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** @typedef {import('./scenario.js').FakeScenario} FakeScenario */
/** @typedef {import('./scenario.js').FakeScript} FakeScript */
/** @typedef {{ storyId: string | undefined, role: string | undefined, resume: boolean, attempt: () => number, turn: () => number, call: () => number }} Invocation */

/** @typedef {Record<string, string>} Shape field → type, with a trailing `?` when optional */
/** @type {Record<string, Shape>} */
const STEPS = {
  write: { write: 'string', content: 'string' },
  edit: { edit: 'string', old: 'string', new: 'string' },
  append: { append: 'string', content: 'string' },
  bash: { bash: 'string' },
  read: { read: 'string' },
  grep: { grep: 'string' },
  say: { say: 'string' },
  sleep: { sleep: 'number' },
  awaitMessage: { awaitMessage: 'number' },
  die: { die: 'string' },
  deny: { deny: 'string', command: 'string?', path: 'string?', message: 'string?' },
};
/** @type {Record<string, Shape>} */
const RESULTS = {
  success: { type: 'string', text: 'string?', structuredOutput: 'unknown?' },
  max_turns: { type: 'string' },
  budget: { type: 'string', limitUsd: 'number?' },
  usage_limit: { type: 'string', resetsAt: 'number', limitType: 'string?' },
  api_error: { type: 'string', status: 'number', retries: 'number?' },
  auth: { type: 'string' },
};
/** @type {Shape} */
const SCRIPT = {
  match: 'object?',
  steps: 'array?',
  result: 'object?',
  stepDelayMs: 'number?',
  startDelayMs: 'number?',
  costUsd: 'number?',
  rateLimit: 'object?',
  extraTurnText: 'string?',
};
/** @type {Shape} */
const MATCH = {
  storyId: 'string?',
  role: 'string?',
  resume: 'boolean?',
  attempt: 'number?',
  turn: 'number?',
  call: 'number?',
};

/** What the Critic answers when no script names the critic role: every story passes. */
export const DEFAULT_CRITIC_SCRIPT = /** @type {FakeScript} */ ({
  result: {
    type: 'success',
    structuredOutput: { verdict: 'pass', reasons: ['fake critic: no verdict scripted'], unmetCriteria: [] },
  },
});
/** @type {Shape} */
const RATE_LIMIT = { status: 'string?', utilization: 'number?', resetsAt: 'number?', resetsInSeconds: 'number?' };

/** @param {unknown} value @param {Shape} shape @param {string} where @returns {Record<string, unknown>} */
function checkShape(value, shape, where) {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} must be an object`);
  const record = /** @type {Record<string, unknown>} */ (value);
  const unknown = Object.keys(record).find((key) => !(key in shape));
  if (unknown !== undefined) throw new Error(`${where} has an unknown field "${unknown}"`);
  for (const [key, spec] of Object.entries(shape)) {
    const type = spec.replace('?', '');
    const field = record[key];
    if (field === undefined) {
      if (!spec.endsWith('?')) throw new Error(`${where} needs "${key}" (${type})`);
      continue;
    }
    const actual = Array.isArray(field) ? 'array' : typeof field;
    if (type !== 'unknown' && actual !== type) throw new Error(`${where}.${key} must be a ${type}, not ${actual}`);
  }
  return record;
}

/** @param {unknown} step @param {string} where */
function checkStep(step, where) {
  const kind = typeof step === 'object' && step !== null ? Object.keys(STEPS).find((key) => key in step) : undefined;
  if (kind === undefined) throw new Error(`${where} must have one of: ${Object.keys(STEPS).join(', ')}`);
  const record = checkShape(step, STEPS[kind] ?? {}, where);
  if (kind === 'die' && !(String(record['die']) in constants.signals))
    throw new Error(`${where}.die is not a signal name`);
}

/** @param {unknown} script @param {string} where */
function checkScript(script, where) {
  const record = checkShape(script, SCRIPT, where);
  if (record['match'] !== undefined) checkShape(record['match'], MATCH, `${where}.match`);
  if (record['rateLimit'] !== undefined) checkShape(record['rateLimit'], RATE_LIMIT, `${where}.rateLimit`);
  const steps = /** @type {unknown[]} */ (record['steps'] ?? []);
  steps.forEach((step, index) => checkStep(step, `${where}.steps[${index}]`));
  if (record['result'] === undefined) return;
  const type =
    typeof record['result'] === 'object' && record['result'] !== null && 'type' in record['result']
      ? String(record['result'].type)
      : '';
  const shape = RESULTS[type];
  if (shape === undefined) throw new Error(`${where}.result.type must be one of: ${Object.keys(RESULTS).join(', ')}`);
  checkShape(record['result'], shape, `${where}.result`);
}

/**
 * The scenario named by BARO_FAKE_CLAUDE_SCENARIO; without one, every invocation succeeds with "Done.".
 * @param {string | undefined} path @returns {FakeScenario}
 */
export function loadScenario(path) {
  if (path === undefined || path === '') return { scripts: [{}] };
  try {
    const value = /** @type {unknown} */ (JSON.parse(readFileSync(path, 'utf8')));
    const record = checkShape(value, { scripts: 'array' }, 'scenario');
    /** @type {unknown[]} */ (record['scripts']).forEach((script, index) => checkScript(script, `scripts[${index}]`));
    return /** @type {FakeScenario} */ (value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid scenario ${path}: ${reason}; fix the file (see test/fake-claude/scenario.ts)`, {
      cause: error,
    });
  }
}

/**
 * The first script that matches. A Critic call only takes a script that names the critic role, so that scenarios
 * written for story agents keep working; with none it passes the story (DEFAULT_CRITIC_SCRIPT).
 * @param {FakeScenario} scenario @param {Invocation} invocation @returns {FakeScript | undefined}
 */
export function selectScript(scenario, invocation) {
  const critic = invocation.role === 'critic';
  const found = scenario.scripts.find(
    ({ match }) =>
      (!critic || match?.role === 'critic') &&
      (match === undefined ||
        ((match.storyId === undefined || match.storyId === invocation.storyId) &&
          (match.role === undefined || match.role === invocation.role) &&
          (match.resume === undefined || match.resume === invocation.resume) &&
          (match.attempt === undefined || match.attempt === invocation.attempt()) &&
          (match.turn === undefined || match.turn === invocation.turn()) &&
          (match.call === undefined || match.call === invocation.call()))),
  );
  return found ?? (critic ? DEFAULT_CRITIC_SCRIPT : undefined);
}

#!/usr/bin/env node
// @ts-check
// A scriptable stand-in for the `claude` CLI 2.1.332 in print mode, driven by BARO_FAKE_CLAUDE_SCENARIO (see scenario.ts).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgv } from './argv.mjs';
import { CLI_VERSION, initLine, interruptedLine, startupFailureLine } from './lines.mjs';
import {
  appendLog,
  countRoleInvocations,
  countSessionInvocations,
  countStoryInvocations,
  createSession,
  sessionCwd,
  stateDir,
} from './registry.mjs';
import { loadScenario, selectScript } from './script.mjs';
import { openInbox } from './inbox.mjs';
import { serveLaterTurns } from './live-turn.mjs';
import { readStdinPrompt, waitForStdinEof } from './stdin.mjs';
import { runTurn } from './turn.mjs';

const DEFAULT_TOOLS = [
  'Task',
  'Bash',
  'CronCreate',
  'CronDelete',
  'CronList',
  'Edit',
  'EnterWorktree',
  'ExitWorktree',
  'ListAgents',
  'Monitor',
  'NotebookEdit',
  'Read',
  'RemoteTrigger',
  'ReportFindings',
  'ScheduleWakeup',
  'SendMessage',
  'Skill',
  'TaskStop',
  'ToolSearch',
  'WebFetch',
  'WebSearch',
  'Workflow',
  'Write',
];
const MODELS = new Map([
  ['sonnet', 'claude-sonnet-5-5'],
  ['opus', 'claude-opus-5-5'],
  ['haiku', 'claude-haiku-5-5'],
  ['fable', 'claude-fable-5-2'],
  ['best', 'claude-opus-5-5'],
  ['opusplan', 'claude-sonnet-5-5'],
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const env = process.env;
const cwd = process.cwd();
const logPath = env['BARO_FAKE_CLAUDE_LOG'] === '' ? undefined : env['BARO_FAKE_CLAUDE_LOG'];
const argv = process.argv.slice(2);
const parsed = parseArgv(argv);
const opts = parsed.ok ? parsed.options : undefined;
const apiKey = env['ANTHROPIC_API_KEY'] !== undefined && env['ANTHROPIC_API_KEY'] !== '';
const sessionId = opts?.resume ?? opts?.sessionId ?? randomUUID();
// baro asks `--version` before every run; the log records agent sessions, which a version query is not.
const logged = opts?.version !== true;
/** @type {import('node:child_process').ChildProcess | undefined} */
let toolProcess;

/** @param {string} text */
const write = (text) =>
  new Promise((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done(undefined))));

/** @param {number} code @returns {never} */
function exit(code) {
  if (logged) appendLog(logPath, { event: 'end', pid: process.pid, exitCode: code, ts: Date.now() });
  process.exit(code);
}

/** Argv errors print on stderr only, with empty stdout and exit 1 (docs/claude-cli.md §7). @param {string} message */
function refuse(message) {
  process.stderr.write(`${message}\n`);
  return exit(1);
}

/** @param {string} model */
const resolveModel = (model) => {
  const wide = model.endsWith('[1m]');
  const alias = wide ? model.slice(0, -4) : model;
  return `${MODELS.get(alias) ?? alias}${wide ? '[1m]' : ''}`;
};

if (logged)
  appendLog(logPath, {
    event: 'start',
    pid: process.pid,
    argv,
    cwd,
    sessionId: opts === undefined ? undefined : sessionId,
    ts: Date.now(),
    env: {
      BARO_RUN_ID: env['BARO_RUN_ID'],
      BARO_ROLE: env['BARO_ROLE'],
      BARO_STORY_ID: env['BARO_STORY_ID'],
      ANTHROPIC_API_KEY: apiKey,
    },
  });
process.on('SIGTERM', () => {
  toolProcess?.kill('SIGTERM');
  exit(143);
});

async function main() {
  if (!parsed.ok) return refuse(parsed.stderr);
  const o = /** @type {import('./argv.mjs').CliOptions} */ (opts);
  if (o.version) {
    await write(`${CLI_VERSION} (Claude Code)\n`);
    return exit(0);
  }
  if (!o.print) return refuse('fake-claude: only print mode (-p) is scripted; pass -p');
  if (o.outputFormat === 'stream-json' && !o.verbose)
    return refuse('Error: When using --print, --output-format=stream-json requires --verbose');
  const liveInput = o.inputFormat === 'stream-json';
  if (liveInput && o.outputFormat !== 'stream-json')
    return refuse('Error: --input-format=stream-json requires output-format=stream-json.');
  /** @type {import('./inbox.mjs').LifecycleState[]} */
  const reported = ['queued', 'started', 'completed'];
  /** @type {(message: import('./inbox.mjs').InboxMessage, state: import('./inbox.mjs').LifecycleState) => Promise<void>} */
  const lifecycle = async (message, state) => {
    if (logged) appendLog(logPath, { event: 'message', pid: process.pid, ...message, state, ts: Date.now() });
    if (message.uuid !== undefined && reported.includes(state))
      await write(`${JSON.stringify({ type: 'command_lifecycle', command_uuid: message.uuid, state })}\n`);
  };
  const inbox = liveInput ? openInbox(lifecycle) : undefined;
  const promptLine = inbox === undefined ? undefined : await inbox.prompt;
  const prompt = inbox === undefined ? (o.prompt ?? (await readStdinPrompt())) : promptLine?.text;
  if (logged && promptLine !== undefined)
    appendLog(logPath, { event: 'prompt', pid: process.pid, text: promptLine.text, uuid: promptLine.uuid });
  if (prompt === undefined || prompt.trim() === '') {
    const { swallowed } = o;
    if (swallowed !== undefined)
      process.stderr.write(
        `"${swallowed.value}" was read as a value of ${swallowed.option}, not as a prompt · put a prompt before ${swallowed.option} or after --\n`,
      );
    return refuse('Error: Input must be provided either through stdin or as a prompt argument when using --print');
  }
  if (inbox === undefined && o.prompt !== undefined && !(await waitForStdinEof(3000)))
    process.stderr.write('Warning: no stdin data received in 3s, proceeding without it…\n');
  if (o.sessionId !== undefined && o.resume === undefined && !UUID.test(o.sessionId))
    return refuse('Error: Invalid session ID. Must be a valid UUID.');
  if (o.appendSystemPromptFile !== undefined && !existsSync(o.appendSystemPromptFile))
    return refuse(`Error: Append system prompt file not found: ${o.appendSystemPromptFile}`);
  if (o.jsonSchema !== undefined && !isJson(o.jsonSchema))
    return refuse(`Error: Invalid JSON provided to --json-schema: ${o.jsonSchema}`);
  const bypass = o.skipPermissions || o.permissionMode === 'bypassPermissions';
  if (bypass && process.getuid?.() === 0 && env['IS_SANDBOX'] !== '1')
    return refuse('--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons');

  const dir = stateDir(env);
  if (o.resume !== undefined) {
    if (sessionCwd(dir, o.resume) !== cwd) {
      const error = `No conversation found with session ID: ${o.resume}`;
      await write(`${JSON.stringify(startupFailureLine(o.resume, error))}\n`);
      return refuse(error);
    }
  } else if (!createSession(dir, sessionId, cwd)) {
    return refuse(`Error: Session ID ${sessionId} is already in use.`);
  }

  const scenario = loadScenario(env['BARO_FAKE_CLAUDE_SCENARIO']);
  const storyId = env['BARO_STORY_ID'];
  const invocation = {
    storyId,
    role: env['BARO_ROLE'],
    resume: o.resume !== undefined,
    attempt: () => attemptOf(storyId),
    turn: () => turnOf(sessionId),
    call: () => callOf(storyId, env['BARO_ROLE']),
  };
  const script = selectScript(scenario, invocation);
  if (script === undefined) {
    process.stderr.write(
      `fake-claude: no script of ${env['BARO_FAKE_CLAUDE_SCENARIO']} matches storyId=${storyId} role=${invocation.role} resume=${invocation.resume}\n`,
    );
    return exit(2);
  }

  const model = resolveModel(o.model ?? (apiKey || script.result?.type === 'auth' ? 'opus' : 'sonnet'));
  const ctx = { sessionId, model };
  const tools = o.tools === undefined || o.tools.includes('default') ? [...DEFAULT_TOOLS] : [...o.tools].sort();
  if (o.jsonSchema !== undefined) tools.push('StructuredOutput');
  const permissionMode = bypass
    ? 'bypassPermissions'
    : o.permissionMode === 'manual'
      ? 'default'
      : (o.permissionMode ?? 'default');
  const stream = o.outputFormat === 'stream-json';
  /** @param {Record<string, unknown>} line */
  const emit = async (line) => (stream ? write(`${JSON.stringify(line)}\n`) : undefined);
  process.on('SIGINT', () => {
    toolProcess?.kill('SIGINT');
    void emit(interruptedLine(ctx, '[Request interrupted by user]')).then(() => exit(0));
  });

  await new Promise((done) => setTimeout(done, script.startDelayMs ?? 0));
  const init = { cwd, tools, permissionMode, apiKeySource: apiKey ? 'ANTHROPIC_API_KEY' : 'none' };
  await emit(initLine(ctx, init));
  const first = await runTurn({
    ctx,
    script,
    cwd,
    tools,
    maxTurns: o.maxTurns,
    jsonSchema: o.jsonSchema !== undefined,
    subscriber: !apiKey,
    startedAt: Date.now(),
    emit,
    die,
    track: (child) => {
      toolProcess = child;
    },
    ...(inbox === undefined ? {} : { inbox, lifecycle, promptUuid: promptLine?.uuid }),
  });
  const text = script.extraTurnText ?? 'Noted.';
  const result =
    inbox === undefined ? first : await serveLaterTurns({ ctx, inbox, init, text, emit, lifecycle }, first);
  if (o.outputFormat === 'json') await write(`${JSON.stringify(result)}\n`);
  if (o.outputFormat === 'text') await write(`${textOf(result, o.maxTurns)}\n`);
  return exit(result['is_error'] === true ? 1 : 0);
}

/** @param {string} text */
function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch (error) {
    if (error instanceof SyntaxError) return false;
    throw error;
  }
}

/** `match.attempt` counts this story's earlier invocations, so it needs the log. @param {string | undefined} storyId */
function attemptOf(storyId) {
  if (logPath === undefined)
    throw new Error('fake-claude: a script matches on "attempt", which needs BARO_FAKE_CLAUDE_LOG');
  // The start record of this process is already in the log.
  return countStoryInvocations(logPath, storyId);
}

/** `match.turn` counts this session's earlier invocations, so it needs the log. @param {string} id */
function turnOf(id) {
  if (logPath === undefined)
    throw new Error('fake-claude: a script matches on "turn", which needs BARO_FAKE_CLAUDE_LOG');
  return countSessionInvocations(logPath, id);
}

/** `match.call` counts this story's earlier invocations in this role. @param {string | undefined} storyId @param {string | undefined} role */
function callOf(storyId, role) {
  if (logPath === undefined)
    throw new Error('fake-claude: a script matches on "call", which needs BARO_FAKE_CLAUDE_LOG');
  return countRoleInvocations(logPath, storyId, role);
}

/** @param {NodeJS.Signals} signal @returns {Promise<never>} */
async function die(signal) {
  process.kill(process.pid, signal);
  // Keeps the event loop busy until the signal lands (or its handler exits).
  await new Promise((done) => setTimeout(done, 60_000));
  throw new Error(`fake-claude: still alive 60 s after ${signal}`);
}

/** @param {Record<string, unknown>} result @param {number | undefined} maxTurns */
function textOf(result, maxTurns) {
  if (result['subtype'] === 'error_max_turns')
    return `Error: Reached max turns (${maxTurns ?? Number(result['num_turns']) - 1})`;
  if (typeof result['result'] === 'string') return result['result'];
  return Array.isArray(result['errors']) ? result['errors'].join('\n') : '';
}

main().catch((error) => {
  process.stderr.write(`fake-claude: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exit(2);
});

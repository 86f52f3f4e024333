#!/usr/bin/env node
// @ts-check
// baro's built-in scripted agent for `baro demo`: speaks the `claude -p --output-format stream-json` protocol, makes
// the story's edits for real in its worktree, runs its commands, and commits, so the demo needs no Claude Code.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { SCRIPTS } from './scripts.mjs';

const STEP_MS = Number(process.env['BARO_DEMO_STEP_MS'] ?? 350);
const argv = process.argv.slice(2);
const option = (/** @type {string} */ name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sessionId = option('--resume') ?? option('--session-id') ?? randomUUID();
const model = option('--model') === 'sonnet' ? 'claude-sonnet-demo' : (option('--model') ?? 'claude-demo');
const cwd = process.cwd();
const storyId = process.env['BARO_STORY_ID'] ?? '';
const role = process.env['BARO_ROLE'] ?? 'story';
const startedAt = Date.now();
const usage = { input_tokens: 6, cache_creation_input_tokens: 1200, cache_read_input_tokens: 14000, output_tokens: 80 };
let requests = 0;

process.on('SIGTERM', () => process.exit(143));

const id = (/** @type {string} */ prefix) => `${prefix}${randomBytes(11).toString('hex')}`;
const envelope = () => ({ parent_tool_use_id: null, session_id: sessionId, uuid: randomUUID() });
const emit = (/** @type {Record<string, unknown>} */ line) => process.stdout.write(`${JSON.stringify(line)}\n`);

// With `--input-format stream-json` the prompt is the first stdin line; later lines are live messages from baro,
// reported through command_lifecycle and folded in after the running tool, as Claude Code does.
/** @type {{ uuid: string | undefined, text: string }[]} */
const queued = [];
/** @type {string[]} */
const folded = [];
const lifecycle = (/** @type {string | undefined} */ uuid, /** @type {string} */ state) => {
  if (uuid !== undefined) emit({ type: 'command_lifecycle', command_uuid: uuid, state });
};
const stdinLines = option('--input-format') === 'stream-json' ? createInterface({ input: process.stdin }) : undefined;
/** @type {Promise<string>} */
const stdinPrompt = new Promise((resolve) => {
  let first = true;
  stdinLines?.on('line', (line) => {
    const message = JSON.parse(line);
    const uuid = typeof message.uuid === 'string' ? message.uuid : undefined;
    const text = String(message.message?.content ?? '');
    if (first) resolve(text);
    else {
      queued.push({ uuid, text });
      lifecycle(uuid, 'queued');
    }
    first = false;
  });
  stdinLines?.on('close', () => resolve(''));
});
const prompt = stdinLines === undefined ? (argv.at(-1) ?? '') : await stdinPrompt;
const fold = () => {
  for (const message of queued.splice(0)) {
    lifecycle(message.uuid, 'started');
    if (message.uuid !== undefined) folded.push(message.uuid);
  }
};

/** One model response holding one content block. @param {Record<string, unknown>} block */
function assistant(block) {
  requests += 1;
  const message = {
    id: id('msg_demo'),
    type: 'message',
    role: 'assistant',
    model,
    content: [block],
    stop_reason: null,
  };
  emit({ type: 'assistant', message: { ...message, usage }, ...envelope() });
}

/** @param {string} toolUseId @param {string} content @param {boolean} isError @param {unknown} result */
function toolResult(toolUseId, content, isError, result) {
  const block = { tool_use_id: toolUseId, type: 'tool_result', content, ...(isError ? { is_error: true } : {}) };
  emit({ type: 'user', message: { role: 'user', content: [block] }, ...envelope(), tool_use_result: result });
}

// The story's commands run `node`: the one running this agent, whatever PATH holds.
const shellEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}` };

/** @param {string} command */
function shell(command) {
  try {
    const stdout = execFileSync('/bin/sh', ['-c', command], { cwd, env: shellEnv, encoding: 'utf8', stdio: 'pipe' });
    return { stdout, ok: true };
  } catch (error) {
    const e = /** @type {{ stdout?: string, stderr?: string }} */ (error);
    return { stdout: `${e.stdout ?? ''}${e.stderr ?? ''}`, ok: false };
  }
}

/** Performs one step for real and reports it as the CLI would. @param {import('./scripts.mjs').Step} step */
function perform(step) {
  if ('say' in step) return assistant({ type: 'text', text: step.say });
  const toolUseId = id('toolu_demo');
  if ('read' in step) {
    const filePath = join(cwd, step.read);
    assistant({ type: 'tool_use', id: toolUseId, name: 'Read', input: { file_path: filePath } });
    const content = readFileSync(filePath, 'utf8');
    const numbered = content
      .split('\n')
      .map((line, i) => `${i + 1}\t${line}`)
      .join('\n');
    return toolResult(toolUseId, numbered, false, { type: 'text', file: { filePath, content } });
  }
  if ('write' in step) {
    const filePath = join(cwd, step.write);
    assistant({
      type: 'tool_use',
      id: toolUseId,
      name: 'Write',
      input: { file_path: filePath, content: step.content },
    });
    mkdirSync(dirname(filePath), { recursive: true });
    writeFileSync(filePath, step.content);
    return toolResult(toolUseId, `File created successfully at: ${filePath}`, false, { type: 'create', filePath });
  }
  if ('edit' in step) {
    const filePath = join(cwd, step.edit);
    const input = { replace_all: false, file_path: filePath, old_string: step.old, new_string: step.new };
    assistant({ type: 'tool_use', id: toolUseId, name: 'Edit', input });
    const before = readFileSync(filePath, 'utf8');
    if (!before.includes(step.old)) {
      return toolResult(
        toolUseId,
        `<tool_use_error>String to replace not found in file.</tool_use_error>`,
        true,
        'Error',
      );
    }
    writeFileSync(filePath, before.replace(step.old, step.new));
    const text = `The file ${filePath} has been updated successfully.`;
    return toolResult(toolUseId, text, false, { filePath, oldString: step.old, newString: step.new });
  }
  assistant({
    type: 'tool_use',
    id: toolUseId,
    name: 'Bash',
    input: { command: step.bash, description: step.description },
  });
  const run = shell(step.bash);
  return toolResult(toolUseId, run.stdout.trim(), !run.ok, { stdout: run.stdout, stderr: '', interrupted: false });
}

/** The story's steps; a resolver or an unknown story only looks at the worktree and reports that. */
function stepsFor() {
  const script = role === 'story' ? SCRIPTS[storyId] : undefined;
  if (script) {
    const heading = /^# Your story: \S+ — (.+)$/m.exec(prompt);
    const title = `${storyId}: ${heading?.[1] ?? 'the demo story'}`;
    return [
      ...script,
      { bash: `git add -A && git commit -q -m ${JSON.stringify(title)}`, description: 'Commit the work' },
    ];
  }
  return role === 'critic' ? [] : [{ bash: 'git status --short', description: 'Look at the worktree' }];
}

// baro's Critic asks for a verdict through --json-schema; the demo's stories always meet their criteria.
const verdict = { verdict: 'pass', reasons: [`story ${storyId} meets its acceptance criteria`], unmetCriteria: [] };

emit({
  type: 'system',
  subtype: 'init',
  cwd,
  session_id: sessionId,
  tools: ['Bash', 'Edit', 'Read', 'Write'],
  mcp_servers: [],
  model,
  permissionMode: option('--permission-mode') ?? 'default',
  apiKeySource: 'none',
  claude_code_version: 'baro-demo',
  uuid: randomUUID(),
});
for (const step of stepsFor()) {
  await delay(STEP_MS);
  perform(step);
  fold();
}
if (role === 'critic') {
  await delay(STEP_MS);
  const toolUseId = id('toolu_demo');
  assistant({ type: 'tool_use', id: toolUseId, name: 'StructuredOutput', input: verdict });
  const done = 'Structured output provided successfully';
  toolResult(toolUseId, done, false, done);
}
for (const uuid of folded) lifecycle(uuid, 'completed');
const summary =
  role === 'critic'
    ? JSON.stringify(verdict)
    : SCRIPTS[storyId]
      ? `Story ${storyId} is done and committed.`
      : 'Nothing for the demo agent to do here.';
if (role !== 'critic') assistant({ type: 'text', text: summary });
emit({
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: Date.now() - startedAt,
  duration_api_ms: 40 * requests,
  num_turns: requests,
  result: summary,
  stop_reason: 'end_turn',
  session_id: sessionId,
  total_cost_usd: Math.round(requests * 4000) / 1e6,
  usage: { ...usage, input_tokens: usage.input_tokens * requests, output_tokens: usage.output_tokens * requests },
  modelUsage: {},
  permission_denials: [],
  ...(role === 'critic' ? { structured_output: verdict } : {}),
  terminal_reason: 'completed',
  uuid: randomUUID(),
  user_message_uuids: folded,
});
// A message that came after the last step is not folded: the session ends here, and baro keeps it for later.
stdinLines?.close();
process.stdin.destroy();

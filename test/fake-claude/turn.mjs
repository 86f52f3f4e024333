// @ts-check
// One scripted turn after system/init: the steps as assistant/user lines, then the closing lines (docs/claude-cli.md §3).
import { resolve } from 'node:path';
import { assistantLine, randomId, rateLimitLine, systemLine, toolResultLine } from './lines.mjs';
import { apiErrorLines, authLines, budgetLine, maxTurnsLine, successLine, usageLimitLines } from './outcomes.mjs';
import { appendCall, bashCall, editCall, grepCall, readCall, unavailableTool, writeCall } from './tools.mjs';

/** @typedef {import('./scenario.js').FakeScript} FakeScript */
/** @typedef {import('./scenario.js').FakeStep} FakeStep */
/** @typedef {import('./lines.mjs').LineContext} LineContext */
/** @typedef {import('./lines.mjs').Denial} Denial */
/** @typedef {import('./outcomes.mjs').TurnStats} TurnStats */
/** @typedef {Record<string, unknown>} Line */

/**
 * @typedef {object} TurnInput
 * @property {LineContext} ctx
 * @property {FakeScript} script
 * @property {string} cwd
 * @property {readonly string[]} tools the session's tool set (init.tools)
 * @property {number | undefined} maxTurns
 * @property {boolean} jsonSchema whether `--json-schema` was given
 * @property {boolean} subscriber no API key: the CLI reports rate_limit_event lines
 * @property {number} startedAt epoch ms
 * @property {(line: Line) => Promise<void>} emit
 * @property {(signal: NodeJS.Signals) => Promise<never>} die
 * @property {import('./tools.mjs').ChildTracker} track
 * @property {import('./inbox.mjs').Inbox} [inbox] stream-json input: messages written while the turn runs
 * @property {(message: import('./inbox.mjs').InboxMessage, state: import('./inbox.mjs').LifecycleState) => Promise<void>} [lifecycle]
 * @property {string | undefined} [promptUuid] the uuid of the prompt line, listed in the result's user_message_uuids
 */

/** @param {number} ms */
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** @param {FakeScript} script */
function allowedRateLimit(script) {
  const status = script.rateLimit?.status ?? 'allowed';
  const utilization = script.rateLimit?.utilization ?? (status === 'allowed' ? 0.42 : 0.93);
  const inSeconds = script.rateLimit?.resetsInSeconds;
  const resetsAt =
    script.rateLimit?.resetsAt ??
    (inSeconds === undefined
      ? Math.ceil(Date.now() / 3_600_000) * 3600 + 3 * 3600
      : Math.ceil(Date.now() / 1000) + inSeconds);
  const warning = status === 'allowed' ? {} : { utilization, surpassedThreshold: 0.9 };
  return {
    status,
    resetsAt,
    rateLimitType: 'five_hour',
    ...warning,
    isUsingOverage: false,
    unifiedWindows: {
      five_hour: { utilization, resetsAt, ...(status === 'allowed' ? {} : { surpassedThreshold: 0.9 }) },
      seven_day: { utilization: 0.18, resetsAt: resetsAt + 334800 },
    },
  };
}

/** @param {string} tool @param {string} path */
function denialMessage(tool, path) {
  if (tool === 'Bash') return 'This command requires approval';
  if (tool === 'Edit' || tool === 'Write')
    return `Claude requested permissions to write to ${path}, but you haven't granted it yet.`;
  if (tool === 'Read') return `Claude requested permissions to read from ${path}, but you haven't granted it yet.`;
  return `Claude requested permissions to use ${tool}, but you haven't granted it yet.`;
}

/**
 * @param {TurnInput} input
 * @param {Exclude<FakeStep, { say: string } | { sleep: number } | { die: NodeJS.Signals }>} step
 * @returns {import('./tools.mjs').ToolCall | { name: string, input: Record<string, unknown>, denied: string }}
 */
function toolCall(input, step) {
  const { cwd } = input;
  if ('awaitMessage' in step) return awaitCall(input, step.awaitMessage);
  if ('write' in step) return writeCall(cwd, step.write, step.content);
  if ('edit' in step) return editCall(cwd, step.edit, step.old, step.new);
  if ('append' in step) return appendCall(cwd, step.append, step.content);
  if ('bash' in step) return bashCall(cwd, step.bash, input.track);
  if ('read' in step) return readCall(cwd, step.read);
  if ('grep' in step) return grepCall(cwd, step.grep);
  const path = resolve(cwd, step.path ?? '');
  const toolInput = step.deny === 'Bash' ? { command: step.command ?? '' } : { file_path: path };
  const message = step.message ?? denialMessage(step.deny, path);
  return { name: step.deny, input: toolInput, denied: message };
}

/**
 * A Bash call that lasts until a live message is queued (or `ms` pass): the tool during which a message arrives.
 * @param {TurnInput} input @param {number} ms @returns {import('./tools.mjs').ToolCall}
 */
function awaitCall(input, ms) {
  return {
    name: 'Bash',
    input: { command: 'sleep 1000', description: 'Wait for the other agents' },
    run: async () => {
      await input.inbox?.waitForMessage(ms);
      const toolUseResult = { stdout: '', stderr: '', interrupted: false, isImage: false, noOutputExpected: true };
      return { content: '(Bash completed with no output)', isError: false, toolUseResult };
    },
  };
}

/** Runs the steps and closing lines; returns the result line, which was emitted last. @param {TurnInput} input */
export async function runTurn(input) {
  const { ctx, script, emit } = input;
  /** @type {import('./inbox.mjs').InboxMessage[]} */
  const folded = [];
  // Messages queued while a tool ran join the next request (docs/claude-cli.md §9).
  const fold = async () => {
    for (const message of input.inbox?.take() ?? []) {
      folded.push(message);
      await input.lifecycle?.(message, 'started');
    }
  };
  /** @type {Denial[]} */
  const denials = [];
  /** @type {TurnStats} */
  const stats = { toolRequests: 0, costUsd: script.costUsd, denials, startedAt: input.startedAt };
  /** @type {{ messageId: string, requestId: string } | undefined} */
  let request;
  /** @type {string | undefined} */
  let trailingSay;
  const openRequest = () => (request ??= { messageId: randomId('msg_01'), requestId: randomId('req_011') });
  /** @param {Line[]} lines */
  const close = async (lines) => {
    const result = /** @type {Line} */ (lines[lines.length - 1]);
    for (const line of lines.slice(0, -1)) await emit(line);
    for (const message of folded) await input.lifecycle?.(message, 'completed');
    if (input.inbox !== undefined) {
      const uuids = [input.promptUuid, ...folded.map((message) => message.uuid)].filter((uuid) => uuid !== undefined);
      result['user_message_uuids'] = uuids;
    }
    await emit(result);
    return result;
  };
  /** @param {string} name @param {Record<string, unknown>} toolInput */
  const callTool = async (name, toolInput) => {
    const id = randomId('toolu_01');
    await emit(assistantLine(ctx, openRequest(), { type: 'tool_use', id, name, input: toolInput }));
    if (stats.toolRequests === 0 && input.subscriber) await emit(rateLimitLine(ctx, allowedRateLimit(script)));
    request = undefined;
    trailingSay = undefined;
    stats.toolRequests += 1;
    return id;
  };
  const turnsLeft = () => input.maxTurns === undefined || stats.toolRequests < input.maxTurns;
  for (const step of script.steps ?? []) {
    await sleep(script.stepDelayMs ?? 0);
    if ('say' in step) {
      await emit(assistantLine(ctx, openRequest(), { type: 'text', text: step.say }));
      trailingSay = step.say;
      continue;
    }
    if ('sleep' in step) {
      await sleep(step.sleep);
      continue;
    }
    if ('die' in step) await input.die(step.die);
    else {
      if (!turnsLeft()) return close([maxTurnsLine(ctx, stats, input.maxTurns ?? 0)]);
      const call = toolCall(input, step);
      const id = await callTool(call.name, call.input);
      if ('denied' in call) {
        const reason = call.name === 'Bash' ? { decision_reason_type: 'other', decision_reason: call.denied } : {};
        await emit(
          systemLine(ctx, 'permission_denied', {
            tool_name: call.name,
            tool_use_id: id,
            ...reason,
            message: call.denied,
          }),
        );
        await emit(
          toolResultLine(ctx, id, {
            content: call.denied,
            isError: true,
            toolUseResult: `Error: ${call.denied}`,
            rejected: true,
          }),
        );
        denials.push({ tool_name: call.name, tool_use_id: id, tool_input: call.input });
        continue;
      }
      const outcome = input.tools.includes(call.name) ? await call.run() : unavailableTool(call.name);
      await emit(toolResultLine(ctx, id, outcome));
      await fold();
    }
  }
  const result = script.result ?? { type: 'success' };
  if (!turnsLeft() || result.type === 'max_turns')
    return close([maxTurnsLine(ctx, stats, input.maxTurns ?? stats.toolRequests)]);
  if (result.type === 'budget') return close([budgetLine(ctx, stats, result.limitUsd ?? 0.01)]);
  if (result.type === 'auth') return close(authLines(ctx, stats));
  if (result.type === 'api_error')
    return close(apiErrorLines(ctx, stats, { status: result.status, retries: result.retries ?? 2 }));
  if (result.type === 'usage_limit') {
    return close(
      usageLimitLines(ctx, stats, { resetsAt: result.resetsAt, limitType: result.limitType ?? 'five_hour' }),
    );
  }
  const structured = result.structuredOutput;
  if (structured !== undefined && input.jsonSchema) {
    const id = await callTool('StructuredOutput', /** @type {Record<string, unknown>} */ (structured));
    const done = 'Structured output provided successfully';
    await emit(toolResultLine(ctx, id, { content: done, isError: false, toolUseResult: done }));
    return close([successLine(ctx, stats, JSON.stringify(structured), structured)]);
  }
  const text =
    result.text ?? (structured === undefined ? undefined : JSON.stringify(structured)) ?? trailingSay ?? 'Done.';
  if (text !== trailingSay) await emit(assistantLine(ctx, openRequest(), { type: 'text', text }));
  if (stats.toolRequests === 0 && input.subscriber) await emit(rateLimitLine(ctx, allowedRateLimit(script)));
  return close([successLine(ctx, stats, text)]);
}

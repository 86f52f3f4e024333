// @ts-check
// What a stream-json input session does after its first result (docs/claude-cli.md §9): a message that came too late
// to be folded runs as a turn of its own; the process waits for more until stdin closes.
import { assistantLine, initLine, randomId, resultLine } from './lines.mjs';

/** @typedef {import('./inbox.mjs').Inbox} Inbox */
/** @typedef {import('./inbox.mjs').InboxMessage} InboxMessage */
/** @typedef {import('./inbox.mjs').LifecycleState} LifecycleState */
/** @typedef {Record<string, unknown>} Line */

/**
 * @typedef {object} LaterTurns
 * @property {import('./lines.mjs').LineContext} ctx
 * @property {Inbox} inbox
 * @property {Parameters<typeof initLine>[1]} init
 * @property {string} text the answer to a late message
 * @property {(line: Line) => Promise<void>} emit
 * @property {(message: InboxMessage, state: LifecycleState) => Promise<void>} lifecycle
 */

const HOUR_MS = 3_600_000;

/** One turn for the messages queued now; its result carries the session's cumulative cost, as the CLI's does. */
async function lateTurn(/** @type {LaterTurns} */ input, /** @type {Line} */ previous, /** @type {number} */ index) {
  const { ctx, emit } = input;
  const messages = input.inbox.take();
  const startedAt = Date.now();
  await emit(initLine(ctx, input.init));
  for (const message of messages) await input.lifecycle(message, 'started');
  const request = { messageId: randomId('msg_01'), requestId: randomId('req_011') };
  await emit(assistantLine(ctx, request, { type: 'text', text: input.text }));
  for (const message of messages) await input.lifecycle(message, 'completed');
  const requests = Number(previous['requests_so_far'] ?? previous['num_turns'] ?? 1) + 1;
  const result = resultLine(ctx, {
    subtype: 'success',
    isError: false,
    numTurns: 1,
    stopReason: 'end_turn',
    terminalReason: 'completed',
    requests,
    costUsd: Number(previous['total_cost_usd'] ?? 0) + 0.005,
    denials: [],
    startedAt,
    result: input.text,
  });
  const line = {
    ...result,
    result_index: index,
    user_message_uuids: messages.flatMap((message) => message.uuid ?? []),
  };
  await emit(line);
  return { ...line, requests_so_far: requests };
}

/** Runs late turns until stdin closes; returns the last result (whose `is_error` decides the exit code). */
export async function serveLaterTurns(/** @type {LaterTurns} */ input, /** @type {Line} */ first) {
  let last = first;
  let index = 0;
  for (;;) {
    const failed = last['is_error'] === true;
    if (!failed && input.inbox.hasQueued()) {
      index += 1;
      last = await lateTurn(input, last, index);
      continue;
    }
    if (failed) await input.inbox.closed;
    if (input.inbox.ended()) return last;
    await input.inbox.waitForMessage(HOUR_MS);
  }
}

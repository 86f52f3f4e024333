// @ts-check
// Stream-json input as claude 2.1.332 reads it (docs/claude-cli.md §9): the first user line is the prompt; a later
// one is `queued` at once, then folded into the running turn after the running tool, or run as a turn of its own.
import { createInterface } from 'node:readline';

/** @typedef {{ uuid: string | undefined, text: string }} InboxMessage */
/** @typedef {'queued' | 'started' | 'completed' | 'cancelled'} LifecycleState */

/**
 * @typedef {object} Inbox
 * @property {Promise<InboxMessage | undefined>} prompt the first user line; undefined when stdin ends without one
 * @property {() => InboxMessage[]} take every queued message, oldest first, now out of the queue
 * @property {() => boolean} hasQueued
 * @property {() => boolean} ended stdin closed
 * @property {Promise<void>} closed resolves when stdin closes
 * @property {(ms: number) => Promise<void>} waitForMessage until a message is queued, stdin ends, or `ms` pass
 */

/** @param {unknown} content */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block === 'object' && block !== null && 'text' in block ? String(block.text) : ''))
    .join('\n');
}

/** A user line as the CLI accepts it; undefined for anything else (control requests are not scripted). @param {string} line */
function userMessage(line) {
  const value = /** @type {unknown} */ (JSON.parse(line));
  if (typeof value !== 'object' || value === null || !('type' in value) || value.type !== 'user') return undefined;
  const message = 'message' in value && typeof value.message === 'object' ? value.message : undefined;
  const content = message !== null && message !== undefined && 'content' in message ? message.content : undefined;
  const uuid = 'uuid' in value && typeof value.uuid === 'string' ? value.uuid : undefined;
  return { uuid, text: textOf(content) };
}

/**
 * Reads stdin line by line; `lifecycle` reports a message's state, as the CLI does for messages with a uuid.
 * @param {(message: InboxMessage, state: LifecycleState) => Promise<void>} lifecycle
 * @returns {Inbox}
 */
export function openInbox(lifecycle) {
  /** @type {InboxMessage[]} */
  const queued = [];
  let ended = false;
  /** @type {(() => void)[]} */
  let waiters = [];
  /** @type {(message: InboxMessage | undefined) => void} */
  let givePrompt = () => undefined;
  let prompted = false;
  /** @type {Promise<InboxMessage | undefined>} */
  const prompt = new Promise((done) => {
    givePrompt = done;
  });
  /** @type {() => void} */
  let markClosed = () => undefined;
  /** @type {Promise<void>} */
  const closed = new Promise((done) => {
    markClosed = done;
  });
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const done of woken) done();
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const message = userMessage(line);
    if (message === undefined) return;
    if (!prompted) {
      prompted = true;
      givePrompt(message);
      return;
    }
    queued.push(message);
    void lifecycle(message, 'queued');
    wake();
  });
  lines.on('close', () => {
    ended = true;
    givePrompt(undefined);
    markClosed();
    wake();
  });
  return {
    prompt,
    take: () => queued.splice(0),
    hasQueued: () => queued.length > 0,
    ended: () => ended,
    closed,
    waitForMessage: (ms) =>
      queued.length > 0 || ended
        ? Promise.resolve()
        : new Promise((done) => {
            const timer = setTimeout(done, ms);
            waiters.push(() => {
              clearTimeout(timer);
              done();
            });
          }),
  };
}

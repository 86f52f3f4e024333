// The stdin of a live session (stream-json input, docs/claude-cli.md §9): the prompt and later messages as JSON
// lines, and the moment stdin closes — at a result, once every message written has completed, with no quiet window.
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { AgentEvent } from './events.js';

/** What a caller may do with a running live session. */
export interface LiveSession {
  /** Writes a message into the session; its uuid, or undefined once stdin is closed (the session is ending). */
  readonly say: (text: string) => string | undefined;
}

export interface LiveInput extends LiveSession {
  /** Follows the parsed stream; closes stdin when a result leaves nothing pending. */
  readonly observe: (event: AgentEvent) => void;
  /** Closes stdin now (an error result, an abort, a stream that ended). */
  readonly close: () => void;
}

export interface LiveInputOptions {
  readonly stdin: Writable;
  readonly prompt: string;
  readonly now: () => number;
  /** A message reached the model (`command_lifecycle` `started`), `latencyMs` after it was written. */
  readonly onDelivered?: ((uuid: string, latencyMs: number) => void) | undefined;
}

/** One stdin line of `--input-format stream-json`; the `uuid` makes the CLI report its lifecycle. */
export function userLine(text: string, uuid: string): string {
  const line = { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' };
  return `${JSON.stringify({ ...line, uuid })}\n`;
}

const isPipeClosed = (error: Error) =>
  'code' in error && (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED');

export function createLiveInput(options: LiveInputOptions): LiveInput {
  const { stdin, now } = options;
  /** Messages written and not completed yet, with the time each was written. */
  const pending = new Map<string, number>();
  let open = true;
  // Between a result and the next turn's init nothing runs: the moment to close if nothing is pending.
  let betweenTurns = false;
  // A process that died leaves a closed pipe; its exit, not this write, reports what happened.
  stdin.on('error', (error: Error) => {
    if (!isPipeClosed(error)) throw error;
  });
  const close = () => {
    if (!open) return;
    open = false;
    stdin.end();
  };
  const settle = (uuid: string) => {
    pending.delete(uuid);
    if (betweenTurns && pending.size === 0) close();
  };
  stdin.write(userLine(options.prompt, randomUUID()));
  return {
    say: (text) => {
      if (!open) return undefined;
      const uuid = randomUUID();
      pending.set(uuid, now());
      stdin.write(userLine(text, uuid));
      return uuid;
    },
    observe: (event) => {
      if (event.type === 'session.started') betweenTurns = false;
      if (event.type === 'message.lifecycle') {
        const writtenAt = pending.get(event.uuid);
        if (writtenAt === undefined) return;
        if (event.state === 'started') options.onDelivered?.(event.uuid, now() - writtenAt);
        if (event.state === 'completed' || event.state === 'cancelled') settle(event.uuid);
      }
      if (event.type === 'result') {
        betweenTurns = true;
        // A failed turn ends the session: a queued message would only run into the same error.
        if (event.isError) close();
        for (const uuid of event.messageUuids ?? []) pending.delete(uuid);
        if (pending.size === 0) close();
      }
    },
    close,
  };
}

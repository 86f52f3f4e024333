// The story's side of a live session: messages told before the session opens wait for it; each one written is reported
// sent, then delivered; whatever the session could not take, or never delivered, goes back to the story.
import type { LiveMessage } from '../machines/live.js';
import type { AgentSessionEvent } from '../machines/story-events.js';
import type { LiveSession } from '../services/claude/live-input.js';
import type { LiveOptions } from '../services/claude/session.js';

export interface LiveChannel {
  readonly tell: (message: LiveMessage) => void;
  /** For `runSession`: where the open session is handed over and deliveries are reported. */
  readonly options: LiveOptions;
  /** The session ended: messages it never delivered go back to the story. */
  readonly close: () => void;
}

export function createLiveChannel(send: (event: AgentSessionEvent) => void): LiveChannel {
  let session: LiveSession | undefined;
  let closed = false;
  const waiting: LiveMessage[] = [];
  const written = new Map<string, LiveMessage>();
  const bounce = (message: LiveMessage) => send({ type: 'agent.message.bounced', message });
  const say = (open: LiveSession, message: LiveMessage) => {
    const uuid = open.say(message.text);
    if (uuid === undefined) return bounce(message);
    written.set(uuid, message);
    send({ type: 'agent.message.sent', uuid, message });
  };
  return {
    tell: (message) => {
      if (closed) bounce(message);
      else if (session === undefined) waiting.push(message);
      else say(session, message);
    },
    options: {
      onOpen: (opened) => {
        session = opened;
        for (const message of waiting.splice(0)) say(opened, message);
      },
      onDelivered: (uuid, latencyMs) => {
        if (written.delete(uuid)) send({ type: 'agent.message.delivered', uuid, latencyMs });
      },
    },
    close: () => {
      closed = true;
      for (const message of [...waiting.splice(0), ...written.values()]) bounce(message);
      written.clear();
    },
  };
}

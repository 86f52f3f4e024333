// How a Story Agent hears the Sentry and the Librarian: said into its running session within a budget, each message
// once, and otherwise carried by its next prompt.
import { emit, enqueueActions } from 'xstate';
import type { LiveMessage } from './live.js';
import type { AgentTellEvent } from './story-events.js';
import { isNews, liveBudgetLeft } from './story-context.js';
import { storyLifecycle } from './story-actions.js';

// What the running session reports of the messages written into it.
export const liveActivity = {
  'agent.message.sent': { actions: 'emitSent' },
  'agent.message.delivered': { actions: 'emitDelivered' },
  'agent.message.bounced': { actions: 'withhold' },
} as const;

/** News for a story whose agent works goes straight into the session (within the budget); else to its next prompt. */
export const tellWhileWorking = (agent: 'agent' | 'resolver' | 'reviser') =>
  [
    { guard: 'canTellLive', actions: { type: 'tellAgent', params: { agent } } },
    { guard: 'isNews', actions: 'withhold' },
  ] as const;

export const storyLive = storyLifecycle.extend({
  guards: {
    isNews: ({ context, event }) => event.type === 'story.tell' && isNews(context, event.message),
    canTellLive: ({ context, event }) =>
      event.type === 'story.tell' && isNews(context, event.message) && liveBudgetLeft(context),
  },
  actions: {
    tellAgent: enqueueActions(({ context, event, enqueue }, params: { agent: string }) => {
      if (event.type !== 'story.tell') return;
      const tell: AgentTellEvent = { type: 'agent.tell', message: event.message };
      enqueue.sendTo(params.agent, tell);
      enqueue.assign({ told: context.told + 1, heard: [...context.heard, event.message.key] });
    }),
    withhold: enqueueActions(({ context, event, enqueue }) => {
      const message: LiveMessage | undefined =
        event.type === 'story.tell' || event.type === 'agent.message.bounced' ? event.message : undefined;
      if (message === undefined) return;
      // A bounced message was counted and marked heard when told; it was not heard after all.
      const bounced = event.type === 'agent.message.bounced';
      enqueue.assign({
        withheld: [...context.withheld, message],
        told: bounced ? context.told - 1 : context.told,
        heard: bounced ? context.heard.filter((key) => key !== message.key) : context.heard,
      });
      enqueue.emit({ type: 'message.withheld', storyId: context.storyId, from: message.from, kind: message.kind });
    }),
    emitSent: emit(({ context, event }) => {
      const sent = event.type === 'agent.message.sent' ? event : undefined;
      return {
        type: 'message.sent' as const,
        storyId: context.storyId,
        from: sent?.message.from ?? 'sentry',
        kind: sent?.message.kind ?? 'collision',
        uuid: sent?.uuid ?? '',
      };
    }),
    emitDelivered: emit(({ context, event }) => ({
      type: 'message.delivered' as const,
      storyId: context.storyId,
      uuid: event.type === 'agent.message.delivered' ? event.uuid : '',
      latencyMs: event.type === 'agent.message.delivered' ? event.latencyMs : 0,
    })),
  },
});

// The Librarian: learns from every agent's tool calls and briefs each starting story with what others already found.
import { enqueueActions, sendTo, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { emptyKnowledge, observe, renderBrief } from './knowledge.js';
import type { Fact, Knowledge, ToolObservation } from './knowledge.js';

export type LibrarianEvent =
  | { type: 'librarian.observe'; observation: ToolObservation }
  | { type: 'librarian.brief.request'; storyId: string; replyTo: AnyActorRef };

export interface LibrarianReply {
  readonly type: 'librarian.brief';
  readonly storyId: string;
  readonly brief: string;
}

export type LibrarianEmitted = { type: 'knowledge.added'; storyId: string; fact: Fact };

export interface LibrarianInput {
  readonly knowledge?: Knowledge | undefined;
  readonly briefBytes?: number | undefined;
}

export const librarianMachine = setup({
  types: {
    context: {} as { knowledge: Knowledge; briefBytes: number },
    events: {} as LibrarianEvent,
    input: {} as LibrarianInput,
    emitted: {} as LibrarianEmitted,
  },
}).createMachine({
  id: 'librarian',
  context: ({ input }) => ({ knowledge: input.knowledge ?? emptyKnowledge(), briefBytes: input.briefBytes ?? 4096 }),
  on: {
    'librarian.observe': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        // Knowledge can change without a new fact (a second reader, a re-run command), so always keep it.
        const { knowledge, added } = observe(context.knowledge, event.observation);
        enqueue.assign({ knowledge });
        for (const fact of added) {
          enqueue.emit({ type: 'knowledge.added', storyId: event.observation.storyId, fact });
        }
      }),
    },
    'librarian.brief.request': {
      actions: sendTo(
        ({ event }) => event.replyTo,
        ({ context, event }): LibrarianReply => ({
          type: 'librarian.brief',
          storyId: event.storyId,
          brief: renderBrief(context.knowledge, { forStory: event.storyId, maxBytes: context.briefBytes }),
        }),
      ),
    },
  },
});

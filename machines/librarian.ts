// The Librarian: learns from every agent's tool calls, briefs each story with what others found, and tells running
// stories at once when a merge changes a file they used or a command's result.
import { enqueueActions, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { emptyKnowledge, observe, renderBrief } from './knowledge.js';
import type { Fact, Knowledge, ToolObservation } from './knowledge.js';
import { commandNews, commandsRun, mergeNews } from './librarian-news.js';
import type { MergeRecord, News } from './librarian-news.js';
import type { StoryTellEvent } from './live.js';

export type LibrarianEvent =
  | { type: 'librarian.observe'; observation: ToolObservation }
  | { type: 'librarian.brief.request'; storyId: string; replyTo: AnyActorRef }
  /** A story merged onto the integration branch: its files changed there. */
  | { type: 'librarian.merged'; merge: MergeRecord };

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

export interface LibrarianContext {
  readonly knowledge: Knowledge;
  readonly briefBytes: number;
  /** The brief lines each story already got, so a later brief carries only what is new since. */
  readonly briefed: Readonly<Record<string, readonly string[]>>;
  readonly merges: readonly MergeRecord[];
  /** How many merges were known when each command last ran. */
  readonly commandRuns: Readonly<Record<string, number>>;
}

const factLines = (brief: string) => brief.split('\n').filter((line) => line.startsWith('- '));

export const librarianMachine = setup({
  types: {
    context: {} as LibrarianContext,
    events: {} as LibrarianEvent,
    input: {} as LibrarianInput,
    emitted: {} as LibrarianEmitted,
  },
  actions: {
    tell: enqueueActions(({ enqueue, system }, params: { news: readonly News[] }) => {
      for (const { storyId, message } of params.news) {
        const story = system.get(`story:${storyId}`);
        const tell: StoryTellEvent = { type: 'story.tell', message };
        if (story) enqueue.sendTo(story, tell);
      }
    }),
  },
}).createMachine({
  id: 'librarian',
  context: ({ input }) => ({
    knowledge: input.knowledge ?? emptyKnowledge(),
    briefBytes: input.briefBytes ?? 4096,
    briefed: {},
    merges: [],
    commandRuns: {},
  }),
  on: {
    'librarian.observe': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        // Knowledge can change without a new fact (a second reader, a re-run command), so always keep it.
        const { knowledge, added } = observe(context.knowledge, event.observation);
        const ran = commandsRun(context.knowledge, knowledge);
        const runs = { ...context.commandRuns };
        for (const key of ran) {
          const news = commandNews({
            before: context.knowledge,
            after: knowledge,
            key,
            mergesAtLastRun: runs[key] ?? 0,
            merges: context.merges,
          });
          enqueue({ type: 'tell', params: { news } });
          runs[key] = context.merges.length;
        }
        enqueue.assign({ knowledge, commandRuns: runs });
        for (const fact of added) {
          enqueue.emit({ type: 'knowledge.added', storyId: event.observation.storyId, fact });
        }
      }),
    },
    'librarian.merged': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        // A merged story asks for no more briefs: what it was told is forgotten, so the context stays the live stories'.
        const { [event.merge.storyId]: _told, ...briefed } = context.briefed;
        enqueue.assign({ merges: [...context.merges, event.merge], briefed });
        enqueue({ type: 'tell', params: { news: mergeNews(context.knowledge, event.merge) } });
      }),
    },
    'librarian.brief.request': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const told = context.briefed[event.storyId] ?? [];
        const brief = renderBrief(context.knowledge, {
          forStory: event.storyId,
          maxBytes: context.briefBytes,
          omit: new Set(told),
        });
        enqueue.assign({ briefed: { ...context.briefed, [event.storyId]: [...told, ...factLines(brief)] } });
        const reply: LibrarianReply = { type: 'librarian.brief', storyId: event.storyId, brief };
        enqueue.sendTo(event.replyTo, reply);
      }),
    },
  },
});

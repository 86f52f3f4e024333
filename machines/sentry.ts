// The Sentry: knows which active story touched which file and tells both, at once, when a second one touches it.
import { enqueueActions, setup } from 'xstate';
import { collisionMessage } from './live.js';
import type { StoryTellEvent } from './live.js';
import type { CollisionWarning } from './types.js';

export type SentryEvent =
  | { type: 'sentry.touch'; storyId: string; paths: readonly string[] }
  | { type: 'sentry.release'; storyId: string }
  | { type: 'sentry.declare'; overlaps: readonly CollisionWarning[] };

export type SentryEmitted = {
  type: 'collision.warning';
  path: string;
  stories: readonly string[];
  source: 'edit' | 'plan';
};

export interface SentryContext {
  /** path → active stories that edited or wrote it, in order of first touch. */
  readonly touches: Readonly<Record<string, readonly string[]>>;
  /** `path|storyA,storyB` keys already warned about, so a warning is not repeated on every edit. */
  readonly warned: readonly string[];
}

export const sentryMachine = setup({
  types: {
    context: {} as SentryContext,
    events: {} as SentryEvent,
    emitted: {} as SentryEmitted,
  },
}).createMachine({
  id: 'sentry',
  context: { touches: {}, warned: [] },
  on: {
    'sentry.touch': {
      actions: enqueueActions(({ context, event, enqueue, system }) => {
        const touches = { ...context.touches };
        const warned = [...context.warned];
        for (const path of event.paths) {
          const before = touches[path] ?? [];
          const stories = before.includes(event.storyId) ? before : [...before, event.storyId];
          touches[path] = stories;
          const key = `${path}|${[...stories].sort().join(',')}`;
          if (stories.length < 2 || warned.includes(key)) continue;
          warned.push(key);
          enqueue.emit({ type: 'collision.warning', path, stories, source: 'edit' });
          // Each story hears it while its agent works, or with its next prompt.
          for (const storyId of stories) {
            const story = system.get(`story:${storyId}`);
            const others = stories.filter((id) => id !== storyId);
            const tell: StoryTellEvent = { type: 'story.tell', message: collisionMessage(path, others) };
            if (story) enqueue.sendTo(story, tell);
          }
        }
        enqueue.assign({ touches, warned });
      }),
    },
    'sentry.release': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const touches: Record<string, readonly string[]> = {};
        for (const [path, stories] of Object.entries(context.touches)) {
          const rest = stories.filter((id) => id !== event.storyId);
          if (rest.length > 0) touches[path] = rest;
        }
        enqueue.assign({ touches });
      }),
    },
    'sentry.declare': {
      actions: enqueueActions(({ event, enqueue }) => {
        for (const overlap of event.overlaps) {
          enqueue.emit({ type: 'collision.warning', path: overlap.path, stories: overlap.stories, source: 'plan' });
        }
      }),
    },
  },
});

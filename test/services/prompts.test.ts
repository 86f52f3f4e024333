import { describe, expect, it } from 'vitest';
import { laterTurnNews, resolverPrompt, retryPrompt, storyPrompt, storyRules } from '../../services/prompts.js';

const story = {
  id: 'S2',
  title: 'Rate limit middleware',
  description: 'Wrap every route in the limiter.',
  acceptance: ['all /api routes are limited', 'a 429 carries Retry-After'],
  writes: ['src/middleware/limit.ts'],
};

const base = {
  goal: 'Add rate limiting to all API endpoints',
  story,
  dependencies: [{ id: 'S1', title: 'Token bucket limiter', files: ['src/limiter.ts', 'test/limiter.test.ts'] }],
  brief: '- `src/app.ts` registers routes in `buildApp()`',
  warnings: [{ path: 'src/app.ts', stories: ['S2', 'S3'] }],
  branch: 'baro-story/rate-limiting/S2',
};

describe('storyPrompt', () => {
  it('carries the goal, the story, its acceptance checklist and expected files', () => {
    const text = storyPrompt(base);
    expect(text).toContain('Add rate limiting to all API endpoints');
    expect(text).toContain('S2 — Rate limit middleware');
    expect(text).toContain('Wrap every route in the limiter.');
    expect(text).toContain('- [ ] all /api routes are limited');
    expect(text).toContain('- [ ] a 429 carries Retry-After');
    expect(text).toContain('`src/middleware/limit.ts`');
  });

  it('says what the dependencies merged', () => {
    expect(storyPrompt(base)).toContain('S1 — Token bucket limiter: `src/limiter.ts`, `test/limiter.test.ts`');
  });

  it('includes the brief under its heading, and omits the section when the brief is empty', () => {
    expect(storyPrompt(base)).toContain('## What other agents already learned\n\n- `src/app.ts` registers routes');
    const without = storyPrompt({ ...base, brief: '  \n' });
    expect(without).not.toContain('What other agents already learned');
  });

  it('names the other stories in collision warnings, not the story itself', () => {
    const text = storyPrompt(base);
    expect(text).toContain('Another story (S3) is also changing `src/app.ts`: keep your change minimal there');
    expect(text).not.toContain('(S2, S3)');
  });

  it('omits optional sections when there is nothing to say', () => {
    const { writes: _writes, ...bare } = story;
    const text = storyPrompt({ ...base, story: bare, dependencies: [], brief: '', warnings: [] });
    expect(text).not.toContain('Files you are expected to write');
    expect(text).not.toContain('What your dependencies merged');
    expect(text).not.toContain('Collision warnings');
  });

  it('ends with the definition of done naming the branch and the commit prefix', () => {
    const text = storyPrompt(base);
    expect(text).toContain('## Definition of done');
    expect(text).toContain('`baro-story/rate-limiting/S2`');
    expect(text).toContain('`S2: `');
  });
});

describe('storyRules', () => {
  it('confines the agent to its worktree and forbids push and history rewrites', () => {
    const text = storyRules({ storyId: 'S2', worktree: '/home/u/.baro/r-1234abcd/worktrees/run/S2' });
    expect(text).toContain('`/home/u/.baro/r-1234abcd/worktrees/run/S2`');
    expect(text).toContain('Never `cd` outside it');
    expect(text).toContain('`S2: `');
    expect(text).toContain('Never push');
    for (const forbidden of ['git reset --hard', 'git rebase', 'force']) expect(text).toContain(forbidden);
    expect(text).toContain('baro merges your branch');
    expect(text).toContain("Run the project's own checks");
  });

  it('lists the checks when they are known', () => {
    const text = storyRules({ storyId: 'S1', worktree: '/w/S1', checks: ['npm test', 'npx tsc --noEmit'] });
    expect(text).toContain('  - `npm test`\n  - `npx tsc --noEmit`');
  });
});

describe('resolverPrompt', () => {
  it('names the base, the conflicting files, and leaves the rebase to baro', () => {
    const text = resolverPrompt({
      story: { id: 'S3', title: 'Auth' },
      onto: 'abc1234',
      files: ['src/app.ts', 'src/routes.ts'],
      warnings: [],
    });
    expect(text).toContain('rebased your branch onto `abc1234`');
    expect(text).toContain('- `src/app.ts`\n- `src/routes.ts`');
    expect(text).toContain("keeping BOTH sides' intent");
    expect(text).toContain('never drop it');
    expect(text).toContain('conflict markers');
    expect(text).toContain('Do not run `git rebase --continue`');
    expect(text).not.toContain('Collision warnings');
  });

  it('carries collision warnings when given', () => {
    const text = resolverPrompt({
      story: { id: 'S3', title: 'Auth' },
      onto: 'baro/x',
      files: ['a.ts'],
      warnings: [{ path: 'a.ts', stories: ['S1', 'S3'] }],
    });
    expect(text).toContain('Another story (S1) is also changing `a.ts`');
  });
});

describe('follow-up turns', () => {
  it('retryPrompt states the reason and asks to continue where the agent stopped', () => {
    const text = retryPrompt({ reason: 'the usage limit reset' });
    expect(text).toContain('the usage limit reset');
    expect(text).toContain('Continue where you stopped');
  });

  it('laterTurnNews carries the held-back messages, the warnings and only the new part of the brief', () => {
    const text = laterTurnNews({
      brief: '## What other agents already learned\n\n### Files other stories changed\n- `a.ts` by S2\n',
      notices: ['baro Sentry: S2 is editing `a.ts` at the same time as you.'],
      warnings: [{ path: 'b.ts', stories: ['S1', 'S4'] }],
      storyId: 'S1',
    });
    expect(text).toContain('## Messages from baro held back while you worked\n\n- baro Sentry: S2 is editing');
    expect(text).toContain('Another story (S4) is also changing `b.ts`');
    expect(text).toContain('## What other agents learned since your last brief\n\n### Files other stories changed');
    expect(text).not.toContain('already learned');
  });

  it('laterTurnNews is empty when there is no news', () => {
    expect(laterTurnNews({ brief: '', notices: [], warnings: [] })).toBe('');
  });
});

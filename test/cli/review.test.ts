// The plan review's text and keys, over in-memory streams (the terminal itself is tested under tmux).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { planText, reviewPlan } from '../../cli/review.js';
import type { Proposal } from '../../machines/types.js';

const proposal: Proposal = {
  plan: {
    goal: 'Greet\u001b[31m people',
    stories: [
      {
        id: 'A',
        title: 'Hello\nworld\u001b]0;pwned\u0007',
        description: 'd',
        dependsOn: [],
        acceptance: ['says hello'],
        writes: ['a.txt'],
      },
      { id: 'B', title: 'Bye', description: 'd', dependsOn: ['A'], acceptance: ['says bye', 'exits 0'], tier: 'heavy' },
    ],
  },
  levels: [['A'], ['B']],
};

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => {
    shown += String(chunk);
  });
  const waitFor = async (text: string, times = 1) => {
    while (shown.split(text).length - 1 < times) await new Promise((resolve) => setImmediate(resolve));
  };
  return { input, output, shown: () => shown, waitFor };
}

describe('plan review', () => {
  it('shows every level and story with its dependencies, acceptance, writes and tier, without control characters', () => {
    expect(planText(proposal)).toBe(
      [
        'Plan for "Greet people": 2 stories in 2 levels',
        'Level 1',
        '  A  Hello world  [standard; no dependencies]',
        '      ✓ says hello',
        '      writes: a.txt',
        'Level 2',
        '  B  Bye  [heavy; after A]',
        '      ✓ says bye',
        '      ✓ exits 0',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['a\n', 'review.approve'],
    ['\n', 'review.approve'],
    ['q\n', 'review.quit'],
  ])('answers %j with %s', async (key, type) => {
    const t = terminal();
    const answer = reviewPlan(proposal, t, { canRefine: true });
    t.input.write(key);
    expect(await answer).toEqual({ type });
  });

  it('quits when the input ends', async () => {
    const t = terminal();
    const answer = reviewPlan(proposal, t, { canRefine: true });
    t.input.end();
    expect(await answer).toEqual({ type: 'review.quit' });
  });

  it('asks for feedback after r, and asks again when it is empty', async () => {
    const t = terminal();
    const answer = reviewPlan(proposal, t, { canRefine: true });
    t.input.write('r\n');
    await t.waitFor('What should change?');
    t.input.write('\n');
    await t.waitFor('Run this plan?', 2);
    t.input.write('q\n');
    expect(await answer).toEqual({ type: 'review.quit' });
    expect(t.shown().split('What should change?')).toHaveLength(2);
  });

  it('returns the typed feedback', async () => {
    const t = terminal();
    const answer = reviewPlan(proposal, t, { canRefine: true });
    t.input.write('r\n');
    await t.waitFor('What should change?');
    t.input.write('  split A in two  \n');
    expect(await answer).toEqual({ type: 'review.refine', feedback: 'split A in two' });
  });

  it('offers no refinement without a planner session, and ignores r', async () => {
    const t = terminal();
    const answer = reviewPlan(proposal, t, { canRefine: false });
    t.input.write('r\n');
    await t.waitFor('Run this plan?', 2);
    t.input.write('a\n');
    expect(await answer).toEqual({ type: 'review.approve' });
    expect(t.shown()).not.toContain('[r]efine');
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmPlan, planText } from '../../cli/confirm.js';

const plan = {
  goal: 'Demo',
  stories: [
    { id: 'A', title: 'first', description: 'd', dependsOn: [], acceptance: ['a'] },
    { id: 'B', title: 'second', description: 'd', dependsOn: ['A'], acceptance: ['b'] },
  ],
};

async function answer(text: string): Promise<{ ok: boolean; shown: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const pending = confirmPlan(planText(plan, [['A'], ['B']]), { input, output });
  input.write(`${text}\n`);
  return { ok: await pending, shown };
}

describe('plan review', () => {
  it('shows the plan by level and runs it on enter or yes', async () => {
    const { ok, shown } = await answer('');
    expect(ok).toBe(true);
    expect(shown).toContain('Plan for "Demo": 2 stories\nLevel 1\n  A  first\nLevel 2\n  B  second\n');
    expect(shown).toContain('Run this plan? [Y/n]');
    expect((await answer('y')).ok).toBe(true);
  });

  it('shows titles and the goal on one line each, without escape codes', () => {
    const hostile = {
      goal: 'Demo\u001b[2J',
      stories: [
        { id: 'A', title: 'first\nLevel 9\u001b]0;pwned\u0007', description: 'd', dependsOn: [], acceptance: ['a'] },
      ],
    };
    expect(planText(hostile, [['A']])).toBe('Plan for "Demo": 1 stories\nLevel 1\n  A  first Level 9\n');
  });

  it('does not run it on no', async () => {
    expect((await answer('n')).ok).toBe(false);
    expect((await answer('No')).ok).toBe(false);
  });
});

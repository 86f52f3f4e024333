import { describe, expect, it } from 'vitest';
import { boundPatch, criticPrompt, MAX_PATCH_CHARS } from '../../services/critic-prompt.js';

const fileDiff = (path: string, lines: number): string =>
  `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -0,0 +1,${lines} @@\n${'+x\n'.repeat(lines)}`;

const story = {
  id: 'A',
  title: 'Greet',
  description: 'Say hello.',
  acceptance: ['prints hello', 'has a test'],
};

describe("the Critic's prompt", () => {
  it('keeps a patch that fits whole, with no note', () => {
    const patch = fileDiff('a.ts', 3);
    expect(boundPatch(patch)).toEqual({ text: patch, note: undefined });
  });

  it('keeps the files that fit whole and names every file it cut', () => {
    const small = fileDiff('small.ts', 10);
    const big = fileDiff('big.ts', 400);
    const other = fileDiff('other.ts', 400);
    const bounded = boundPatch(small + big + other, small.length + big.length + 10);
    expect(bounded.text).toBe(small + big);
    expect(bounded.note).toContain('other.ts');
    expect(bounded.note).not.toContain('big.ts');
    expect(bounded.note).toContain(`of ${small.length + big.length + other.length} characters`);
  });

  it('bounds the diff it sends and says what was cut, with the story, its criteria, the checks and the denials', () => {
    const huge = fileDiff('huge.ts', MAX_PATCH_CHARS);
    const prompt = criticPrompt({
      story,
      round: 2,
      evidence: [
        { command: 'npm test', status: 'failed', exitCode: 1, tail: 'FAIL greet.test.ts' },
        { command: 'cargo test', status: 'notRun', exitCode: null, tail: 'cargo is not installed (not on PATH)' },
      ],
      denials: ['Bash(make lint)'],
      diff: { stat: ' huge.ts | 60000 +++', patch: fileDiff('a.ts', 2) + huge },
    });
    expect(prompt.length).toBeLessThan(MAX_PATCH_CHARS + 5_000);
    expect(prompt).toContain('(round 2)');
    expect(prompt).toContain('1. prints hello\n2. has a test');
    expect(prompt).toContain('### FAILED: `npm test` (exit 1)');
    expect(prompt).toContain('FAIL greet.test.ts');
    expect(prompt).toContain('### NOT RUN: `cargo test`');
    expect(prompt).toContain('- Bash(make lint)');
    expect(prompt).toContain('diff --git a/a.ts b/a.ts');
    expect(prompt).toContain('the changes to huge.ts are not shown');
  });

  it('says when there are no checks and no changes', () => {
    const prompt = criticPrompt({ story, round: 1, evidence: [], denials: [], diff: { stat: '', patch: '' } });
    expect(prompt).toContain('None: no verification commands are configured or detected');
    expect(prompt).toContain('(no changes)');
    expect(prompt).not.toContain('denied');
  });
});

import { describe, expect, it } from 'vitest';
import { failure } from '../../../services/git/run.js';

describe('GitError', () => {
  it('keeps every line git wrote, not only the progress line before the fatal one', () => {
    const stderr = "Preparing worktree (new branch 'b')\nfatal: failed to read .git/worktrees/s2/commondir: Success\n";
    const error = failure(
      '/repo',
      ['worktree', 'add', '-b', 'b', '/wt/s1'],
      { exitCode: 128, stdout: '', stderr },
      'try again',
    );
    expect(error.message).toBe(
      "git worktree add -b b /wt/s1 failed in /repo: Preparing worktree (new branch 'b') | fatal: failed to read .git/worktrees/s2/commondir: Success — try again",
    );
    expect(error.stderr).toBe(stderr);
    expect(error.exitCode).toBe(128);
  });

  it('says there was no output rather than ending on a colon', () => {
    const error = failure('/repo', ['status'], { exitCode: 1, stdout: '', stderr: '\n' }, 'look');
    expect(error.message).toBe('git status failed in /repo: (no output) — look');
  });
});

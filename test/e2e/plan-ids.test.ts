// A plan whose story id cannot name a git branch or a worktree is an invalid plan (exit 2), not a mid-run failure.
import { describe, expect, it } from 'vitest';
import { readInvocations } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf, runPlan } from './helpers.js';

useGitSandbox();

describe('story ids that the plan schema accepts but git or the run folder cannot use', () => {
  for (const id of ['api.lock', 'v1..v2', 'v2.', 'integration']) {
    it(`refuses "${id}" before any agent starts, with exit 2 naming the story`, async () => {
      const repo = await makeTempRepo();
      const run = await runPlan(repo, planOf('Bad id', [{ id: 'A' }, { id }]), {
        scripts: [{ steps: [{ write: 'x.txt', content: 'x\n' }] }],
      });
      expect(run.result.exitCode).toBe(2);
      expect(run.result.stderr).toContain(id);
      expect(readInvocations(run.fake.logPath)).toHaveLength(0);
      expect(await git(repo, 'branch', '--list', 'baro*')).toBe('');
    });
  }
});

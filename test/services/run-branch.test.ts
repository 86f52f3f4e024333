// The run branch's name is claimed in the repository itself, so runs started together never take the same one.
import { describe, expect, it } from 'vitest';
import { chooseRunBranch } from '../../services/run-branch.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

describe('chooseRunBranch', () => {
  it('gives six runs of one goal started at once six distinct branches, each made at the base', async () => {
    const repo = await makeTempRepo();
    const base = await git(repo, 'rev-parse', 'HEAD');
    const plan = { goal: 'Add rate limiting', branch: undefined };
    const chosen = await Promise.all([...Array(6).keys()].map(() => chooseRunBranch(repo, plan, base)));
    const names = chosen.map((c) => c.branch).sort();
    expect(new Set(names).size).toBe(6);
    for (const name of names) expect(await git(repo, 'rev-parse', `refs/heads/${name}`)).toBe(base);
    expect(chosen.every((c) => c.continuedFrom === undefined)).toBe(true);
  });

  it('continues a branch the plan names when it exists, and claims it when it does not', async () => {
    const repo = await makeTempRepo();
    const base = await git(repo, 'rev-parse', 'HEAD');
    await git(repo, 'branch', 'baro/kept', base);
    expect(await chooseRunBranch(repo, { goal: 'g', branch: 'baro/kept' }, base)).toEqual({
      branch: 'baro/kept',
      continuedFrom: base,
    });
    expect(await chooseRunBranch(repo, { goal: 'g', branch: 'baro/new' }, base)).toEqual({
      branch: 'baro/new',
      continuedFrom: undefined,
    });
    expect(await git(repo, 'rev-parse', 'refs/heads/baro/new')).toBe(base);
  });
});

// Moving a bare remote's branch behind baro's back: another person's push, now or each time baro fetches.
import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git } from './repo.js';

const OTHER = ['-c', 'user.name=Other Person', '-c', 'user.email=other@example.invalid'];

/** Someone else commits `file` onto `branch` of the bare repository and pushes it, from a clone of their own. */
export async function pushFromElsewhere(bare: string, branch: string, file: string, content: string): Promise<string> {
  const clone = join(dirname(bare), `elsewhere-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`);
  await git(dirname(bare), 'clone', '--quiet', '--branch', branch, bare, clone);
  await writeFile(join(clone, file), content);
  await git(clone, 'add', '-A');
  await git(clone, ...OTHER, 'commit', '--quiet', '-m', `elsewhere: ${file}`);
  await git(clone, 'push', '--quiet', 'origin', branch);
  return git(clone, 'rev-parse', 'HEAD');
}

/**
 * Installs a reference-transaction hook in repo: whenever a fetch updates `refs/remotes/origin/<branch>`, the bare
 * remote's branch gets one more commit, so the push that follows is rejected again.
 */
export async function moveRemoteOnEveryFetch(repo: string, bare: string, branch: string): Promise<void> {
  const hook = join(repo, '.git', 'hooks', 'reference-transaction');
  const script = `#!/bin/sh
[ "$1" = committed ] || exit 0
grep -q " refs/remotes/origin/${branch}$" || exit 0
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
export GIT_AUTHOR_NAME=Other GIT_AUTHOR_EMAIL=other@example.invalid GIT_COMMITTER_NAME=Other GIT_COMMITTER_EMAIL=other@example.invalid
tip=$(git --git-dir="${bare}" rev-parse "refs/heads/${branch}")
commit=$(git --git-dir="${bare}" commit-tree -p "$tip" -m "moved again" "$tip^{tree}")
git --git-dir="${bare}" update-ref "refs/heads/${branch}" "$commit"
`;
  await writeFile(hook, script);
  await chmod(hook, 0o755);
}

// Whether git ignores a path of the repository: what a worktree gets copied must never be committed with a story.
import { failure, runGit } from './run.js';

/** The paths (relative to repoDir) that git would not ignore, so `git add -A` would take them. */
export async function notIgnored(repoDir: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const args = ['check-ignore', '--quiet', '--', path];
    const output = await runGit(repoDir, args);
    if (output.exitCode === 1) out.push(path);
    else if (output.exitCode !== 0) throw failure(repoDir, args, output, 'check the path in worktree.copy');
  }
  return out;
}

// The Bash allowlist for unattended agents: the project's own commands and read-only or committing git, never push.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const SAFE_GIT = ['git status', 'git diff', 'git log', 'git show', 'git add', 'git commit'];

const packageJsonSchema = z.looseObject({ scripts: z.record(z.string(), z.string()).optional() });

/** Scripts of the repository's package.json, or none when it has no readable one. */
async function npmScripts(repoDir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(repoDir, 'package.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = packageJsonSchema.safeParse(parseJsonOrUndefined(text));
  return parsed.success ? Object.keys(parsed.data.scripts ?? {}) : [];
}

// A broken package.json is the agent's problem to fix, not a reason to refuse the run.
function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** `Bash(<command>:*)` rules for `--allowedTools`. */
export async function defaultAllowedTools(repoDir: string): Promise<string[]> {
  const scripts = await npmScripts(repoDir);
  const npm = scripts.length > 0 ? ['npm install', 'npm ci', 'npm test', ...scripts.map((s) => `npm run ${s}`)] : [];
  return [...SAFE_GIT, ...npm].map((command) => `Bash(${command}:*)`);
}

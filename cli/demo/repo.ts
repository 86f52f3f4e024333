// The demo's throwaway repository, outside the current folder, and the launcher of baro's scripted agent.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { DEMO_FILES, DEMO_PLAN } from './plan.js';

export interface DemoSetup {
  readonly root: string;
  readonly repo: string;
  readonly planPath: string;
  /** An executable that runs baro's demo agent; given to the run as BARO_CLAUDE_BIN. */
  readonly agentBin: string;
}

const AGENT = join('demo', 'agent.mjs');

/** demo/agent.mjs ships at the package root, whether baro runs from source or from dist/. */
export function demoAgentPath(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, AGENT))) return join(dir, AGENT);
    if (dirname(dir) === dir) throw new Error(`baro's demo agent (${AGENT}) is missing from this installation`);
  }
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export async function createDemo(): Promise<DemoSetup> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'baro-demo-')));
  const repo = join(root, 'textkit');
  for (const [path, content] of Object.entries(DEMO_FILES)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  const git = (...args: string[]) => execa('git', args, { cwd: repo });
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'user.name', 'baro demo');
  await git('config', 'user.email', 'demo@baro.invalid');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'textkit: capitalize');
  const planPath = join(root, 'plan.json');
  await writeFile(planPath, `${JSON.stringify(DEMO_PLAN, null, 2)}\n`);
  // A launcher rather than the script itself: an installed package need not keep the script's executable bit.
  const agentBin = join(root, 'bin', 'claude');
  await mkdir(dirname(agentBin), { recursive: true });
  await writeFile(agentBin, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(demoAgentPath())} "$@"\n`);
  await chmod(agentBin, 0o755);
  return { root, repo, planPath, agentBin };
}

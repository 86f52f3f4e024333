// `baro demo [--json] [--inspect]`: a whole run with no Claude Code, on a throwaway repository, by baro's scripted agent.
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { baroHome, repoFolder } from '../../services/store/paths.js';
import { createDemo } from '../demo/repo.js';
import { DEMO_PLAN } from '../demo/plan.js';
import { parseRunOptions } from '../options.js';
import { processIo, runCommand } from './run.js';

export async function demoCommand(options: { readonly json: boolean; readonly inspect: boolean }): Promise<number> {
  const demo = await createDemo();
  const io = processIo();
  // With a browser to open, the agent takes its time so there is a run left to watch (unless told its pace).
  const pace = options.inspect ? { BARO_DEMO_STEP_MS: '1000' } : {};
  const env = { ...pace, ...io.env, BARO_CLAUDE_BIN: demo.agentBin };
  const say = (text: string) => (options.json ? process.stderr : process.stdout).write(`${text}\n`);
  say(`baro demo: a throwaway repository at ${demo.repo}, ${DEMO_PLAN.stories.length} stories, baro's scripted agent.`);
  const code = await runCommand(
    undefined,
    parseRunOptions({
      plan: demo.planPath,
      yes: true,
      push: false,
      parallel: '2',
      json: options.json,
      inspect: options.inspect,
    }),
    { ...io, cwd: demo.repo, env, terminal: undefined },
  );
  const runs = await readdir(join(repoFolder({ home: baroHome(env, homedir()), repoRoot: demo.repo }), 'runs'));
  const runId = runs.sort().at(-1) ?? '';
  const branch = `baro/${DEMO_PLAN.branch}`;
  say(
    [
      '',
      `The repository: ${demo.repo}`,
      `The branch the stories were merged onto: ${branch}`,
      'Look at them:',
      `  git -C ${demo.repo} log --oneline --graph ${branch}`,
      `  git -C ${demo.repo} diff --stat main...${branch}`,
      `  baro inspect ${runId}    # the run's actors and statecharts, replayed in a browser`,
      `When you are done: rm -rf ${demo.root}`,
    ].join('\n'),
  );
  return code;
}

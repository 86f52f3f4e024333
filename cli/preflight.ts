// Before a run creates anything (branch, run folder): the agent executable must exist, run, and answer --version.
import { resolveClaudeBin } from '../services/claude/argv.js';
import { checkClaude } from '../services/doctor.js';
import { UsageError } from './errors.js';

export async function assertAgentRuns(input: {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}): Promise<void> {
  const claudeBin = resolveClaudeBin(input.env);
  const check = await checkClaude({ cwd: input.cwd, env: input.env, claudeBin });
  if (check.status !== 'fail') return;
  const from =
    claudeBin === 'claude'
      ? 'the agent executable `claude` (looked up on PATH; set BARO_CLAUDE_BIN to use another)'
      : `the agent executable from BARO_CLAUDE_BIN (${claudeBin})`;
  throw new UsageError(
    `Cannot start ${from}: ${check.detail}. Nothing was created. Next: ${check.fix ?? 'run `baro doctor`'}.`,
    { option: claudeBin === 'claude' ? 'claude' : 'BARO_CLAUDE_BIN', value: claudeBin },
  );
}

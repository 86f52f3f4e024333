// `baro doctor [--json]`: prints the environment checks; exit 1 when any check fails.
import { runDoctorChecks } from '../../services/doctor.js';
import type { Check, CheckStatus } from '../../services/doctor.js';
import { ExitCode } from '../errors.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

export async function doctorCommand(options: { readonly json: boolean }): Promise<number> {
  const env = process.env;
  const checks = await runDoctorChecks({
    cwd: process.cwd(),
    env,
    claudeBin: env['BARO_CLAUDE_BIN'] || 'claude',
    nodeVersion: process.versions.node,
  });
  const ok = checks.every((check) => check.status !== 'fail');
  process.stdout.write(options.json ? `${JSON.stringify({ ok, checks })}\n` : formatChecks(checks));
  return ok ? ExitCode.succeeded : ExitCode.failed;
}

/** One line per check, the fix indented on the next line, then a summary. */
function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((check) => check.title.length));
  const lines = checks.flatMap((check) => {
    const line = `${MARK[check.status]} ${check.title.padEnd(width)}  ${check.detail}`;
    return check.fix === undefined ? [line] : [line, `  ${' '.repeat(width)}  → ${check.fix}`];
  });
  const failed = checks.filter((check) => check.status === 'fail').length;
  const warned = checks.filter((check) => check.status === 'warn').length;
  lines.push('', failed > 0 ? `${failed} check(s) failed, ${warned} warning(s).` : `Ready (${warned} warning(s)).`);
  return `${lines.join('\n')}\n`;
}

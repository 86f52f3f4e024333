// Runs the real baro CLI from source (node --import tsx cli/main.ts) in a child process, for end-to-end tests.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

export interface BaroResult {
  /** -1 when the process was killed by a signal. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunBaroOptions {
  readonly cwd: string;
  /** Added to a cleaned copy of this process's environment (see INHERITED_ENV_DROPPED). */
  readonly env?: Record<string, string>;
  /** A built baro (dist/cli/main.js) to run instead of the source. */
  readonly main?: string | undefined;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainScript = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
// An absolute URL, so the loader resolves whatever cwd the test gives the child.
const tsxLoader = pathToFileURL(createRequire(`${repoRoot}package.json`).resolve('tsx')).href;

// Variables of the developer's shell that would change baro's behaviour; tests opt in explicitly through `env`.
const INHERITED_ENV_DROPPED = /^(BARO_|GIT_|GITHUB_|GH_|ANTHROPIC_|CLAUDE_CODE_)/;

function baroEnv(env: Record<string, string> | undefined): Record<string, string | undefined> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED_ENV_DROPPED.test(name)),
  );
  return { ...inherited, ...env };
}

/** The command line that runs `baro <args>` from source, for tests that start it themselves (in tmux). */
export function baroCommand(args: readonly string[]): string[] {
  return [process.execPath, '--import', tsxLoader, mainScript, ...args];
}

/** Starts `baro <args>` and hands back the running process, for tests that signal it. */
export function startBaro(args: string[], opts: RunBaroOptions) {
  const program = opts.main === undefined ? ['--import', tsxLoader, mainScript] : [opts.main];
  return execa(process.execPath, [...program, ...args], {
    cwd: opts.cwd,
    env: baroEnv(opts.env),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}

/** Runs `baro <args>`; never throws on a non-zero exit, never waits on stdin. */
export async function runBaro(args: string[], opts: RunBaroOptions): Promise<BaroResult> {
  const result = await startBaro(args, opts);
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

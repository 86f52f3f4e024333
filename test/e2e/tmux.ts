// baro on a real terminal for end-to-end tests: a tmux server of its own, keys sent with send-keys, the screen read
// with capture-pane, the exit code written to a file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { baroCommand } from '../helpers/cli.js';

export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Without tmux these tests may be skipped on a developer's machine, never in CI. */
export const skipTmux = !hasTmux && !process.env['CI'];

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export interface TmuxBaro {
  readonly keys: (...keys: string[]) => void;
  /** The visible screen and, with `history`, the lines scrolled off it. */
  readonly screen: (history?: boolean) => string;
  /** Waits until the screen shows `text` (`count` times); the screen then. */
  readonly waitForText: (text: string, count?: number) => Promise<string>;
  readonly waitFor: (what: string, ready: (screen: string) => boolean) => Promise<string>;
  readonly exitCode: () => Promise<number>;
  readonly kill: () => void;
}

export interface TmuxOptions {
  readonly cwd: string;
  /** A folder of the test's own: the script and the exit code are written there. */
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  readonly width?: number;
  readonly height?: number;
  /** Where stdout goes instead of the terminal (a file): stdin and stderr stay on it. */
  readonly stdoutTo?: string;
}

let servers = 0;

/** Starts `baro <args>` in a detached tmux session of its own server. */
export async function startInTmux(options: TmuxOptions): Promise<TmuxBaro> {
  const exitFile = join(options.dir, 'exit-code');
  const script = join(options.dir, 'baro.sh');
  const exports = Object.entries({ ...options.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }).map(
    ([key, value]) => `export ${key}=${quote(value)}`,
  );
  const redirect = options.stdoutTo === undefined ? '' : ` > ${quote(options.stdoutTo)}`;
  const command = `${baroCommand(options.args).map(quote).join(' ')}${redirect}`;
  await writeFile(
    script,
    `cd ${quote(options.cwd)}\n${exports.join('\n')}\n${command}\necho $? > ${quote(exitFile)}\nsleep 600\n`,
  );
  // A server of its own: other tmux sessions on the machine are never touched.
  const socket = `baro-e2e-${process.pid}-${(servers += 1)}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const size = [String(options.width ?? 120), String(options.height ?? 36)];
  tmux('new-session', '-d', '-x', size[0]!, '-y', size[1]!, '-s', 'baro', `sh ${quote(script)}`);
  const screen = (history = false) => tmux('capture-pane', '-p', ...(history ? ['-S', '-300'] : []), '-t', 'baro');
  const waitFor = async (what: string, ready: (text: string) => boolean) => {
    for (let i = 0; i < 900; i += 1) {
      const text = screen(true);
      if (ready(text)) return text;
      await sleep(100);
    }
    throw new Error(`tmux: no ${what} after 90 s; the screen shows:\n${screen(true)}`);
  };
  return {
    keys: (...keys) => void tmux('send-keys', '-t', 'baro', ...keys),
    screen,
    waitFor,
    waitForText: (text, count = 1) => waitFor(`"${text}" (×${count})`, (s) => s.split(text).length - 1 >= count),
    exitCode: async () => {
      await waitFor('exit code', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
      return Number((await readFile(exitFile, 'utf8')).trim());
    },
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone with its last session.
      }
    },
  };
}

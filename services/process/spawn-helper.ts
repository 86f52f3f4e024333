// Short-lived commands (git, hundreds per run) spawned by a small helper process: fork() copies the page tables of the
// process that spawns, so at baro's 100+ MB a spawn blocks its main thread 4-5 ms; the helper (~45 MB) takes ~1 ms,
// on its own core.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface HelperCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Written to the command's stdin, which is closed when absent. */
  readonly stdin?: string | undefined;
}

/** How the command ended: its exit code (null when a signal stopped it) and its whole output; or why it never ran. */
export type HelperResult =
  | {
      readonly ran: true;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly ran: false; readonly message: string };

type Reply = HelperResult & { readonly id: number };

// Plain JavaScript run with `node -e`: a compiled function's text may call the bundler's helpers. The commands run in
// the helper's process group, which is its own: a Ctrl-C at the terminal never stops a merge half-way. Once baro's
// channel closes, nothing keeps the helper but the commands it runs: it ends with the last.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
process.on('message', ({ id, file, args, cwd, env, stdin }) => {
  const send = (reply) => process.connected && process.send({ id, ...reply }, () => undefined);
  const child = spawn(file, args, { cwd, env, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const stdout = [];
  const stderr = [];
  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  if (stdin !== undefined) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  }
  let failed = false;
  child.on('error', (error) => {
    failed = true;
    send({ ran: false, message: error.message });
  });
  child.on('close', (exitCode, signal) => {
    if (failed) return;
    send({ ran: true, exitCode, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
  });
});
process.send({ id: 0, ran: true, exitCode: 0, signal: null, stdout: 'ready', stderr: '' }, () => undefined);
`;

const HELPER_EXITED = 'the helper process that runs it exited';

interface Helper {
  readonly child: ChildProcess;
  readonly ready: Promise<boolean>;
  up: boolean;
  readonly pending: Map<number, (result: HelperResult) => void>;
  next: number;
}

let current: Helper | undefined;

function start(): Helper {
  const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
    // Its death is told by its exit: whatever it printed would only garble baro's screen.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    detached: true,
  });
  let settle: (up: boolean) => void = () => undefined;
  const helper: Helper = {
    child,
    ready: new Promise((resolve) => (settle = resolve)),
    up: false,
    pending: new Map(),
    next: 1,
  };
  child.on('message', (reply: Reply) => {
    if (reply.id === 0) {
      helper.up = true;
      settle(true);
    } else {
      helper.pending.get(reply.id)?.(reply);
      helper.pending.delete(reply.id);
    }
    // Nothing asked for: the helper must not keep baro running.
    if (helper.pending.size === 0) child.channel?.unref();
  });
  const gone = () => {
    if (current === helper) current = undefined;
    settle(false);
    for (const done of helper.pending.values()) done({ ran: false, message: HELPER_EXITED });
    helper.pending.clear();
  };
  child.on('exit', gone);
  child.on('error', gone);
  // Its start keeps baro running, like a command would; once up and idle it does not.
  child.unref();
  return helper;
}

/**
 * Starts the helper when it is not running (a run does, with its first agent); resolves true once it takes commands,
 * false when it could not start or BARO_SPAWN_HELPER=0 turns it off. Commands go as they are while it is down.
 */
export function startSpawnHelper(): Promise<boolean> {
  if (process.env.BARO_SPAWN_HELPER === '0') return Promise.resolve(false);
  current ??= start();
  return current.ready;
}

function runInHelper(helper: Helper, command: HelperCommand): Promise<HelperResult> {
  const id = helper.next;
  helper.next += 1;
  return new Promise((resolve) => {
    helper.pending.set(id, resolve);
    helper.child.channel?.ref();
    // A helper that died before the exit event said so: the command never left, so it runs here.
    helper.child.send({ id, ...command }, (error) => {
      if (error === null || !helper.pending.delete(id)) return;
      void runHere(command, undefined).then(resolve);
    });
  });
}

/** The command as baro's own child, in its own process group (a Ctrl-C at the terminal stops baro, not the command). */
function runHere(command: HelperCommand, signal: AbortSignal | undefined): Promise<HelperResult> {
  const { file, args, cwd, env, stdin } = command;
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd,
      env,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
      ...(signal === undefined ? {} : { signal }),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (stdin !== undefined && child.stdin !== null) {
      // A command that exits early says why on stderr; the broken pipe adds nothing.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin);
    }
    let failed = false;
    child.on('error', (error) => {
      failed = true;
      resolve({ ran: false, message: error.message });
    });
    child.on('close', (exitCode, closeSignal) => {
      if (failed) return;
      const [out, err] = [Buffer.concat(stdout).toString(), Buffer.concat(stderr).toString()];
      resolve({ ran: true, exitCode, signal: closeSignal, stdout: out, stderr: err });
    });
  });
}

/**
 * Runs the command in the helper when it is up, else (not started, starting, exited; or the command may be cancelled,
 * which only its parent can do) as baro's own child.
 */
export function runCommand(
  command: HelperCommand,
  options: { readonly signal?: AbortSignal | undefined } = {},
): Promise<HelperResult> {
  const helper = current;
  if (options.signal === undefined && helper?.up === true && helper.child.connected)
    return runInHelper(helper, command);
  return runHere(command, options.signal);
}

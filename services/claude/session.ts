// Runs one `claude -p` process to completion: typed events as they arrive, one classified SessionResult at the end.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { buildArgv, buildEnv } from './argv.js';
import type { ClaudeArgvOptions, ClaudeEnvOptions } from './argv.js';
import type { AgentEvent, Outcome, SessionResult } from './events.js';
import { classifyOutcome } from './outcome.js';
import type { ProcessExit } from './outcome.js';
import { createLiveInput } from './live-input.js';
import type { LiveInput, LiveSession } from './live-input.js';
import { createStreamParser } from './parse.js';
import type { StreamParser } from './parse.js';
import { openRawLog } from './raw-log.js';
import type { RawLog } from './raw-log.js';
import { signalGroupIfAlive, terminateGroup } from './process-group.js';
import { resultTotals } from './totals.js';

export interface SessionOptions extends ClaudeArgvOptions, ClaudeEnvOptions {
  /** The executable, e.g. from `resolveClaudeBin(env)`. */
  readonly bin: string;
  /** The story's worktree; `--resume` must run in the cwd the session started in. */
  readonly cwd: string;
  /** Abort: SIGTERM to the process group, SIGKILL after `killGraceMs`; the outcome is then `killed`. */
  readonly signal?: AbortSignal | undefined;
  readonly killGraceMs?: number | undefined;
  /** An agent that prints no line for this long is stopped like an abort; its outcome is then `transient`. */
  readonly idleMs?: number | undefined;
  readonly onEvent?: ((event: AgentEvent) => void) | undefined;
  readonly onSpawn?: ((pid: number) => void) | undefined;
  /** Every raw stdout line is appended here (parent folders are created). */
  readonly rawLogPath?: string | undefined;
  /** Live messages (docs/claude-cli.md §9): the session runs with stream-json input and hands its stdin over here. */
  readonly live?: LiveOptions | undefined;
}

export interface LiveOptions {
  /** Called once the process runs and its prompt is written; messages said before that have nowhere to go. */
  readonly onOpen: (session: LiveSession) => void;
  readonly onDelivered?: ((uuid: string, latencyMs: number) => void) | undefined;
}

const DEFAULT_KILL_GRACE_MS = 5000;
/** Stderr matters only for startup failures and crashes; its tail is enough and bounds memory. */
const MAX_STDERR = 16 * 1024;

function captureTail(stream: Readable): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > 2 * MAX_STDERR) text = text.slice(-MAX_STDERR);
  });
  return () => (text.length > MAX_STDERR ? text.slice(-MAX_STDERR) : text);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return false;
    throw error;
  }
}

async function spawnFailure(options: SessionOptions, error: Error): Promise<Outcome> {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : 'unknown error';
  if (!(await isDirectory(options.cwd))) {
    return {
      kind: 'startup_failure',
      text: `Could not start ${options.bin}: the working directory ${options.cwd} does not exist (${code}). Recreate the worktree, then retry.`,
    };
  }
  return {
    kind: 'startup_failure',
    text: `Could not start ${options.bin} (${code}). Install Claude Code or set BARO_CLAUDE_BIN to the claude executable.`,
  };
}

function sessionResult(
  parser: StreamParser,
  outcome: Outcome,
  exitCode: number | undefined,
  startedAt: number,
): SessionResult {
  const summary = parser.summary();
  const totals = resultTotals(summary.result);
  const result = summary.result;
  const base = {
    outcome,
    sessionId: summary.sessionId,
    costUsd: totals.costUsd,
    usage: totals.usage,
    numTurns: totals.numTurns,
    durationMs: Date.now() - startedAt,
    exitCode,
    resultText: result === undefined ? '' : (result.result ?? result.errors?.join('\n') ?? ''),
    malformedLines: summary.malformedLines,
  };
  return result?.structured_output === undefined ? base : { ...base, structuredOutput: result.structured_output };
}

function openLive(options: SessionOptions, stdin: Writable | null, pid: number | undefined): LiveInput | undefined {
  if (options.live === undefined || stdin === null || pid === undefined) return undefined;
  const live = createLiveInput({ stdin, prompt: options.prompt, now: Date.now, onDelivered: options.live.onDelivered });
  options.live.onOpen(live);
  return live;
}

type ProcessEnd =
  { readonly exitCode: number | undefined; readonly signal: string | undefined } | { readonly error: Error };

/** How the process ended: its exit code or signal once its output is drained, or why it could not start. */
function processEnd(child: ChildProcess): Promise<ProcessEnd> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('close', (code, signal) => resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }));
  });
}

function stdoutOf(child: ChildProcess): Readable {
  if (child.stdout === null) throw new Error('the agent process was started without a stdout pipe');
  return child.stdout;
}

/** A timer restarted by every line heard; `fired` once it ran out and called `onSilence`. */
function idleWatch(idleMs: number | undefined, onSilence: () => void) {
  let fired = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (idleMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      fired = true;
      onSilence();
    }, idleMs);
  };
  arm();
  return { heard: arm, fired: () => fired, stop: () => clearTimeout(timer) };
}

// A hung agent (a stuck tool, a lost connection) is worth another try, like an overloaded API.
const idleOutcome = (idleMs: number): Outcome => ({
  kind: 'transient',
  status: null,
  text: `the agent printed nothing for ${idleMs >= 60_000 ? `${Math.round(idleMs / 60_000)} minutes` : `${Math.round(idleMs / 1000)} s`}, so baro stopped it (agent.idleMinutes)`,
});

/**
 * Runs one agent turn; resuming is the same call with `resume: true` and a new prompt. It resolves for every way
 * the process can end (the outcome says which) and rejects only when the raw log cannot be written or a callback throws.
 */
export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const startedAt = Date.now();
  const parser = createStreamParser();
  if (options.signal?.aborted === true) return sessionResult(parser, { kind: 'killed' }, undefined, startedAt);
  // Opened while the agent process starts; one that cannot be opened stops it.
  const log = options.rawLogPath === undefined ? undefined : openRawLog(options.rawLogPath);
  log?.catch(() => undefined);
  try {
    return await spawnAndRead(options, parser, log, startedAt);
  } finally {
    await (await log?.catch(() => undefined))?.close();
  }
}

async function spawnAndRead(
  options: SessionOptions,
  parser: StreamParser,
  log: Promise<RawLog> | undefined,
  startedAt: number,
): Promise<SessionResult> {
  const { args, stdinPrompt } = buildArgv({ ...options, liveInput: options.live !== undefined });
  // node:child_process rather than execa: execa's import alone costs more than a run's start-up should.
  // An open but silent stdin costs a 3 s wait in the CLI, so stdin is closed unless it carries the prompt or live
  // messages.
  const subprocess = spawn(options.bin, args, {
    cwd: options.cwd,
    env: buildEnv(options),
    detached: true,
    stdio: [options.live === undefined && stdinPrompt === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const ended = processEnd(subprocess);
  // An agent that exits before reading its input is reported by its exit, not by a broken pipe.
  subprocess.stdin?.on('error', () => undefined);
  if (options.live === undefined && stdinPrompt !== undefined) subprocess.stdin?.end(stdinPrompt);
  const pid = subprocess.pid;
  const live = openLive(options, subprocess.stdin, pid);
  const stderr = subprocess.stderr === null ? () => '' : captureTail(subprocess.stderr);
  let cancelKill: (() => void) | undefined;
  const onAbort = (): void => {
    if (pid !== undefined && cancelKill === undefined)
      cancelKill = terminateGroup(pid, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  };
  const idle = idleWatch(options.idleMs, onAbort);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (pid !== undefined) options.onSpawn?.(pid);
    if (options.signal?.aborted === true) onAbort();
    // Read from the spawn on: node discards an exited child's output nobody listens to.
    for await (const line of createInterface({ input: stdoutOf(subprocess), crlfDelay: Infinity })) {
      idle.heard();
      try {
        await (await log)?.append(line);
        for (const event of parser.push(line)) {
          live?.observe(event);
          options.onEvent?.(event);
        }
      } catch (error) {
        // Stop the agent before the error propagates: iteration cleanup waits for the process to exit.
        if (pid !== undefined) signalGroupIfAlive(pid, 'SIGKILL');
        throw error;
      }
    }
    live?.close();
    // An agent that printed nothing fails its turn all the same when its log could not be opened.
    await log;
    const exit = await ended;
    if ('error' in exit) return sessionResult(parser, await spawnFailure(options, exit.error), undefined, startedAt);
    if (idle.fired() && options.signal?.aborted !== true)
      return sessionResult(parser, idleOutcome(options.idleMs ?? 0), exit.exitCode, startedAt);
    const processExit: ProcessExit = {
      exitCode: exit.exitCode,
      signal: exit.signal,
      stderr: stderr(),
      aborted: options.signal?.aborted === true,
    };
    return sessionResult(parser, classifyOutcome(parser.summary(), processExit), exit.exitCode, startedAt);
  } finally {
    live?.close();
    idle.stop();
    options.signal?.removeEventListener('abort', onAbort);
    cancelKill?.();
    // The leader is gone; whatever of its group outlived it (a SIGTERM, a dev server left in the background) would
    // otherwise run on unattended.
    if (pid !== undefined) signalGroupIfAlive(pid, 'SIGKILL');
  }
}

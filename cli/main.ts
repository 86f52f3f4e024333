#!/usr/bin/env node
// Entry point: runs the program and turns its outcome into the process exit code (docs/cli.md "Exit codes").
import { setFlagsFromString } from 'node:v8';
import { CommanderError } from 'commander';
import { describeError, ExitCode, exitCodeForError } from './errors.js';
import { buildProgram } from './program.js';

// Commander ends --help and --version by "exiting" with these codes; they are successes.
const COMMANDER_SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

// V8 lets a small heap grow to about 4× what it holds before a full collection: baro holds some 20 MB at 384 stories,
// churns through much more, and runs for hours beside agents that need the memory. 1.5× costs ~0.2% more GC time.
setFlagsFromString('--heap-growing-percent=50');

async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.succeeded;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message and the --help hint on stderr.
      return COMMANDER_SUCCESS_CODES.has(error.code) ? error.exitCode : ExitCode.usage;
    }
    process.stderr.write(`error: ${describeError(error, { debug: process.env['BARO_DEBUG'] === '1' })}\n`);
    return exitCodeForError(error);
  }
}

// A closed pipe (`baro --help | head`) means the reader has all it wants; any other write error is a real failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv);

// The program: runs the command line and turns its outcome into the process exit code (docs/cli.md "Exit codes").
// Built, it is bundled into dist/cli/baro.cjs, which cli/boot.ts runs.
import { CommanderError } from 'commander';
import { describeError, ExitCode, exitCodeForError } from './errors.js';
import { buildProgram } from './program.js';

// Commander ends --help and --version by "exiting" with these codes; they are successes.
const COMMANDER_SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

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

// No top-level await: the bundle is CommonJS, which V8 can compile from its code cache on node 20.
void main(process.argv).then((code) => {
  process.exitCode = code;
});

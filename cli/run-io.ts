// The process as a run's surroundings: its folder, environment, output, terminal, and the signals that stop it.
import type { RunIo } from './run-drive.js';

/** The first SIGINT or SIGTERM stops the run gracefully; a second SIGINT ends the process at once. */
export function processIo(): RunIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: process.stdout,
    err: process.stderr,
    tty: process.stdout.isTTY === true,
    keyboard: process.stdin.isTTY ? process.stdin : undefined,
    terminal:
      process.stdin.isTTY && process.stderr.isTTY ? { input: process.stdin, output: process.stderr } : undefined,
    stopRequested: new Promise((resolveStop) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.stderr.write('baro: stopping the run (Ctrl-C again forces it)…\n');
        resolveStop();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }),
  };
}

// Signals for a detached `claude` and everything it started (Bash tool commands share its process group).

function isErrnoCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** Sends `signal` to the process group led by `pid`; a group that has already exited is not an error. */
export function signalGroupIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (isErrnoCode(error, 'ESRCH')) return;
    throw error;
  }
}

/** SIGTERM to the group now, SIGKILL after `graceMs` unless the returned disposer runs first. */
export function terminateGroup(pid: number, graceMs: number): () => void {
  signalGroupIfAlive(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroupIfAlive(pid, 'SIGKILL'), graceMs);
  return () => clearTimeout(timer);
}

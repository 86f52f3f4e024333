// Whether a process still runs: by its pid, and by its state in /proc where a dead one may linger unreaped.
import { readFileSync } from 'node:fs';

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else) and has not died. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EPERM')) return false;
  }
  return !exitedUnreaped(pid);
}

// A process whose parent has not waited for it yet (a container's init that reaps nothing) still has a pid: its state
// in /proc says it is gone. Where there is no /proc, the pid is all there is.
function exitedUnreaped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

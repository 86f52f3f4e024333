// Whether a process still exists, and waiting a bounded while for something to become true.
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

// An orphan that was killed stays a zombie where PID 1 does not reap (containers): it has ended all the same.
function zombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !zombie(pid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Polls `check` every 50 ms for up to `seconds` (a generous 90 by default: a busy machine is slow, never wrong); throws naming `what` when it never holds. */
export async function until(check: () => boolean, what: string, seconds = 90): Promise<void> {
  for (let i = 0; i < seconds * 20; i += 1) {
    if (check()) return;
    await delay(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

// Whether a process still exists, and waiting a bounded while for something to become true.
import { setTimeout as delay } from 'node:timers/promises';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Polls `check` every 50 ms for up to `seconds` (10 by default); throws naming `what` when it never holds. */
export async function until(check: () => boolean, what: string, seconds = 10): Promise<void> {
  for (let i = 0; i < seconds * 20; i += 1) {
    if (check()) return;
    await delay(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

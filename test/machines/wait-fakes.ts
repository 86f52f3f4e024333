// Fakes of the story's sleeps and worktree setups: answered at once, or held for the test to answer.
import { fromPromise } from 'xstate';
import type { WorktreeSetupOutput } from '../../machines/story-events.js';

interface Sleep {
  readonly until: number;
  done: boolean;
  wake(): void;
  fail(error: Error): void;
}

export function createSleepFake(hold: boolean) {
  const sleeps: Sleep[] = [];
  const logic = fromPromise<void, { until: number }>(
    ({ input }) =>
      new Promise<void>((resolve, reject) => {
        const end = (how: () => void) => () => {
          sleep.done = true;
          how();
        };
        const sleep: Sleep = {
          until: input.until,
          done: false,
          wake: end(resolve),
          fail: (error) => end(() => reject(error))(),
        };
        sleeps.push(sleep);
        if (!hold) queueMicrotask(sleep.wake);
      }),
  );
  return {
    logic,
    sleeps,
    pending: () => sleeps.filter((sleep) => !sleep.done),
    /** The sleeps of a tree that crashed never end; the restored tree sleeps again. */
    abandon: () => sleeps.forEach((sleep) => (sleep.done = true)),
  };
}

interface SetupCall {
  readonly storyId: string;
  done: boolean;
  answer(output: WorktreeSetupOutput | Error): void;
}

/** Worktree setups answered `ok` at once, or held for the test to answer. */
export function createSetupFake(hold: boolean) {
  const calls: SetupCall[] = [];
  const logic = fromPromise<WorktreeSetupOutput, { storyId: string; worktree: string | undefined }>(
    ({ input }) =>
      new Promise<WorktreeSetupOutput>((resolve, reject) => {
        const call: SetupCall = {
          storyId: input.storyId,
          done: false,
          answer: (output) => {
            call.done = true;
            if (output instanceof Error) reject(output);
            else resolve(output);
          },
        };
        calls.push(call);
        if (!hold) queueMicrotask(() => call.answer({ kind: 'ok' }));
      }),
  );
  return {
    logic,
    calls,
    pending: () => calls.filter((call) => !call.done),
    abandon: () => calls.forEach((call) => (call.done = true)),
  };
}

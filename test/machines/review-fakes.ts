// Fakes of the Auditor's and the Critic's effects: scripted check results and verdicts, or held for the test.
import { fromPromise } from 'xstate';
import type { CriticTurnInput, CriticTurnOutput } from '../../machines/critic.js';
import type { AuditTarget, SessionOutcome, Verdict, VerifyResult } from '../../machines/types.js';

export const NOW_REVIEW = 1_700_000_000_000;

export const verdicts = {
  pass: { verdict: 'pass', reasons: ['every criterion is met'], unmetCriteria: [] },
  fail: { verdict: 'fail', reasons: ['the tests do not cover refill'], unmetCriteria: ['unit tests cover refill'] },
} as const satisfies Record<string, Verdict>;

export function checkResult(command: string, status: VerifyResult['status'], tail = ''): VerifyResult {
  return { command, status, exitCode: status === 'passed' ? 0 : status === 'failed' ? 1 : null, durationMs: 5, tail };
}

/** A Critic call's end: a verdict, or an outcome without one (usage limit, API error). */
export type CriticAnswer = Verdict | SessionOutcome;

export function criticOutput(answer: CriticAnswer, endedAt = NOW_REVIEW): CriticTurnOutput {
  const verdict = 'verdict' in answer;
  return {
    summary: {
      outcome: verdict ? { kind: 'ok' } : answer,
      sessionId: 'critic-session',
      costUsd: 0,
      durationMs: 100,
      usage: { inputTokens: 5, outputTokens: 5 },
    },
    endedAt,
    answer: verdict ? { ok: true, verdict: answer } : { ok: false, issue: 'no verdict' },
  };
}

interface CriticCall {
  readonly input: CriticTurnInput;
  done: boolean;
  answer(answer: CriticAnswer): void;
}

/** Critic calls answered by `script` (pass by default), or held for the test when it answers undefined. */
export function createCriticFake(script: (input: CriticTurnInput) => CriticAnswer | undefined = () => verdicts.pass) {
  const calls: CriticCall[] = [];
  const logic = fromPromise<CriticTurnOutput, CriticTurnInput>(
    ({ input }) =>
      new Promise<CriticTurnOutput>((resolve) => {
        const call: CriticCall = {
          input,
          done: false,
          answer: (answer) => {
            call.done = true;
            resolve(criticOutput(answer));
          },
        };
        calls.push(call);
        const scripted = script(input);
        if (scripted !== undefined) queueMicrotask(() => call.answer(scripted));
      }),
  );
  return {
    logic,
    calls,
    pending: () => calls.filter((call) => !call.done),
    /** The calls of a tree that crashed never answer; the restored tree asks again. */
    abandon: () => calls.forEach((call) => (call.done = true)),
  };
}

interface CheckCall {
  readonly target: AuditTarget;
  readonly command: string;
  done: boolean;
  answer(result: VerifyResult): void;
}

/** The Auditor's effects: `commands` listed for every worktree, each answered by `script` or held when undefined. */
export function createAuditFake(
  commands: readonly string[] = [],
  script: (target: AuditTarget, command: string) => VerifyResult | undefined = (_t, command) =>
    checkResult(command, 'passed'),
) {
  const calls: CheckCall[] = [];
  const listChecks = fromPromise<readonly string[], AuditTarget>(async () => commands);
  const runCheck = fromPromise<VerifyResult, { target: AuditTarget; command: string }>(
    ({ input }) =>
      new Promise<VerifyResult>((resolve) => {
        const call: CheckCall = {
          target: input.target,
          command: input.command,
          done: false,
          answer: (result) => {
            call.done = true;
            resolve(result);
          },
        };
        calls.push(call);
        const scripted = script(input.target, input.command);
        if (scripted !== undefined) queueMicrotask(() => call.answer(scripted));
      }),
  );
  return {
    listChecks,
    runCheck,
    calls,
    pending: () => calls.filter((call) => !call.done),
    abandon: () => calls.forEach((call) => (call.done = true)),
  };
}

// Fakes at the Conductor's between-levels seams: scripted or held Surgeon turns and integration gates.
import { fromPromise } from 'xstate';
import type { SurgeonTurnInput, SurgeonTurnOutput } from '../../machines/surgeon.js';
import type { IntegrationGateOutput, SessionOutcome, SessionSummary } from '../../machines/types.js';

const NOW = 1_700_000_000_000;

type SurgeonReply = Omit<SurgeonTurnOutput, 'endedAt'>;
/** `n`: the 1-based count of Surgeon turns in the run; `hold` leaves the turn open for the test to answer. */
export type SurgeonScript = (input: SurgeonTurnInput, n: number) => SurgeonReply | Error | 'hold';
export type GateScript = (level: number) => IntegrationGateOutput | Error | 'hold';

export function surgeonAnswer(answer: SurgeonTurnOutput['answer'], outcome: SessionOutcome = { kind: 'ok' }) {
  const summary: SessionSummary = {
    outcome,
    sessionId: 'sess-surgeon',
    costUsd: 0.02,
    durationMs: 500,
    usage: { inputTokens: 20, outputTokens: 10 },
  };
  return { summary, answer };
}

interface Held<I, O> {
  readonly input: I;
  done: boolean;
  answer(output: O | Error): void;
}

/** A promise actor answered by `script`, or held for the test; every call and the open ones are kept. */
function scripted<I, O>(script: (input: I, n: number) => O | Error | 'hold') {
  const calls: Held<I, O>[] = [];
  const logic = fromPromise<O, I>(
    ({ input }) =>
      new Promise<O>((resolve, reject) => {
        const call: Held<I, O> = {
          input,
          done: false,
          answer: (output) => {
            call.done = true;
            if (output instanceof Error) reject(output);
            else resolve(output);
          },
        };
        calls.push(call);
        const planned = script(input, calls.length);
        if (planned !== 'hold') queueMicrotask(() => call.answer(planned));
      }),
  );
  return {
    logic,
    calls,
    /** The single open call; throws unless exactly one waits, so drivers cannot answer the wrong one. */
    held(): Held<I, O> {
      const open = calls.filter((call) => !call.done);
      if (open.length !== 1 || !open[0]) throw new Error(`expected one held call, found ${open.length}`);
      return open[0];
    },
  };
}

export function createSurgeonFake(script: SurgeonScript | undefined) {
  const fake = scripted<SurgeonTurnInput, SurgeonTurnOutput>((input, n) => {
    const planned = script ? script(input, n) : new Error('surgeonTurn not provided');
    return planned instanceof Error || planned === 'hold' ? planned : { ...planned, endedAt: NOW };
  });
  return { ...fake, turns: () => fake.calls.map((call) => call.input) };
}

export function createGateFake(script: GateScript | undefined) {
  const fake = scripted<{ level: number }, IntegrationGateOutput>(
    ({ level }) => script?.(level) ?? { status: 'skipped', results: [] },
  );
  return { ...fake, levels: () => fake.calls.map((call) => call.input.level) };
}
